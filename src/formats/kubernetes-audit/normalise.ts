// Kubernetes audit Event (audit.k8s.io/v1 or v1beta1) → change records. Pure.
// Only ResponseComplete with a 2xx status changes state; the state is the responseObject,
// else the requestObject of a create/update (never a patch body). Denied requests and
// exec/attach/portforward go to `activity`; events without an object become attribution facts.
import type { ChangeRecord, NormaliseResult } from '../../domain/change.ts';
import { isObject, nonEmptyString as str } from '../../domain/json.ts';
import { isCoreSecret } from '../kubernetes-objects/resource-names.ts';
import { activityRecord } from './activity-record.ts';
import {
  type AuditEvent,
  eventTime,
  type KubernetesNormaliseOptions,
  named,
  stateObject,
  statusCode,
} from './audit-event.ts';
import { stateChanges } from './state-changes.ts';

// The options are part of this module's interface (sources build them with kubernetesOptions).
export type { KubernetesNormaliseOptions } from './audit-event.ts';

const AUDIT_VERSIONS = new Set(['audit.k8s.io/v1', 'audit.k8s.io/v1beta1', 'audit.k8s.io/v1alpha1']);
const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const STREAMING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);
const ACTIVITY_SUBRESOURCES = new Set(['eviction']);

/** The options for `cluster` from what a source was given (optional settings left out when absent). */
export function kubernetesOptions(
  cluster: string,
  given: Pick<KubernetesNormaliseOptions, 'redact' | 'sensitiveKeys' | 'noiseRules'>,
): KubernetesNormaliseOptions {
  return {
    cluster,
    redact: given.redact,
    ...(given.sensitiveKeys ? { sensitiveKeys: given.sensitiveKeys } : {}),
    ...(given.noiseRules ? { noiseRules: given.noiseRules } : {}),
  };
}

export function normaliseAuditEvent(input: unknown, options: KubernetesNormaliseOptions): NormaliseResult {
  if (!isObject(input)) return { kind: 'rejected', reason: 'audit event is not a JSON object' };
  if (input['kind'] !== undefined && input['kind'] !== 'Event')
    return { kind: 'rejected', reason: `kind ${JSON.stringify(input['kind'])} is not an audit Event` };
  if (input['apiVersion'] !== undefined && !AUDIT_VERSIONS.has(String(input['apiVersion']))) {
    return {
      kind: 'rejected',
      reason: `apiVersion ${JSON.stringify(input['apiVersion'])} is not audit.k8s.io/v1 or v1beta1`,
    };
  }
  for (const key of ['auditID', 'verb'] as const) {
    if (!str(input[key])) return { kind: 'rejected', reason: `audit event has no ${key}` };
  }
  if (input['objectRef'] !== undefined && !isObject(input['objectRef']))
    return { kind: 'rejected', reason: 'objectRef is not an object' };
  // A write is never long-running: with a response status and no stage it can only be complete.
  const stage =
    str(input['stage']) ??
    (MUTATING.has(String(input['verb'])) && statusCode(input) !== undefined ? 'ResponseComplete' : undefined);
  if (!stage) return { kind: 'rejected', reason: 'audit event has no stage' };
  const event = { ...input, stage } as AuditEvent;
  const time = eventTime(event);
  if (time === undefined) return { kind: 'rejected', reason: 'audit event has no valid stageTimestamp' };
  const ref = event.objectRef ?? {};
  // A streaming session (exec, attach, …) is recorded once, at the first stage that shows it started.
  if (ref.subresource && STREAMING_SUBRESOURCES.has(ref.subresource) && event.stage !== 'RequestReceived') {
    return one(activityRecord(event, time, ref.subresource, options));
  }
  if (event.stage !== 'ResponseComplete' && event.stage !== 'Panic')
    return { kind: 'ignored', reason: `stage ${event.stage}` };

  const code = statusCode(event) ?? (stateObject(event['responseObject']) ? 200 : undefined);
  const succeeded = code !== undefined && code >= 200 && code < 300 && event.stage === 'ResponseComplete';
  if (!MUTATING.has(event.verb)) {
    if (code === 401 || code === 403) return one(activityRecord(event, time, 'denied', options));
    const user = isObject(event['user']) ? (str(event['user']['username']) ?? '') : '';
    if (isCoreSecret(named(ref)) && !user.startsWith('system:'))
      return one(activityRecord(event, time, 'secret-read', options));
    return { kind: 'ignored', reason: `read-only verb ${event.verb}` };
  }
  if (!succeeded) return one(activityRecord(event, time, code === 401 || code === 403 ? 'denied' : 'failed', options));
  if (!ref.resource) return { kind: 'ignored', reason: 'mutation without objectRef.resource' };
  if (ref.subresource && ACTIVITY_SUBRESOURCES.has(ref.subresource))
    return one(activityRecord(event, time, ref.subresource, options));
  return stateChanges(event, ref, time, options);
}

function one(record: ChangeRecord): NormaliseResult {
  return { kind: 'changes', changes: [record] };
}
