// Kubernetes audit Event (audit.k8s.io/v1 or v1beta1) → change records. Pure.
// Only ResponseComplete with a 2xx status changes state; the state is the responseObject,
// else the requestObject of a create/update (never a patch body). Denied requests and
// exec/attach/portforward go to `activity`; events without an object become attribution facts.
import type { AttributionFact, ChangeRecord, Doc, NormaliseResult, Trailers } from '../../domain/change.ts';
import { isObject, nonEmptyString as str } from '../../domain/json.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';
import { kubernetesActor } from '../../normalise/identity.ts';
import { removeNoise, type NoiseRules } from '../../normalise/noise.ts';
import { activityPath, kubernetesPath, statusSiblingPath } from '../../normalise/paths.ts';
import { DEFAULT_SENSITIVE_KEY_SET, redactKeys, redactSecret, type Redact } from '../../normalise/redact.ts';
import {
  groupResourceOf,
  isClusterScopedRef,
  isCoreSecret,
  type GroupResource,
} from '../kubernetes-objects/resource-names.ts';

export const SOURCE = 'kubernetes-audit';
const AUDIT_VERSIONS = new Set(['audit.k8s.io/v1', 'audit.k8s.io/v1beta1', 'audit.k8s.io/v1alpha1']);
const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const STREAMING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);
const ACTIVITY_SUBRESOURCES = new Set(['eviction']);

export interface KubernetesNormaliseOptions {
  readonly cluster: string;
  readonly redact: Redact;
  /** Key names hashed wherever they appear (lower case). */
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Noise rules for a resource (`apps/deployments`, `core/configmaps`). */
  readonly noiseRules?: (groupResource: string) => NoiseRules;
}

interface ObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

type AuditEvent = Record<string, unknown> & {
  auditID: string;
  stage: string;
  verb: string;
  objectRef?: ObjectRef;
};

/**
 * The event's time: RFC 3339 MicroTime, also in the `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) form log shippers rewrite it to.
 */
function eventTime(event: Record<string, unknown>): number | undefined {
  const raw = str(event['stageTimestamp']) ?? str(event['timestamp']) ?? str(event['requestReceivedTimestamp']);
  return raw === undefined ? undefined : parseUtcTimestamp(raw);
}

function statusCode(event: Record<string, unknown>): number | undefined {
  const status = event['responseStatus'];
  return isObject(status) && typeof status['code'] === 'number' ? status['code'] : undefined;
}

/** An object that describes state (not a Status or a list). */
function stateObject(value: unknown): Doc | undefined {
  if (!isObject(value)) return undefined;
  const kind = value['kind'];
  if (kind === 'Status' || (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items'])))
    return undefined;
  return isObject(value['metadata']) ? value : undefined;
}

/** The ref's group and resource, in the shape resource-names.ts asks them. */
function named(ref: ObjectRef): GroupResource {
  return { group: ref.apiGroup, resource: ref.resource };
}

function trailersFor(event: AuditEvent, cluster: string, extra: Trailers): Trailers {
  const user = isObject(event['user']) ? event['user'] : {};
  const impersonated = isObject(event['impersonatedUser']) ? str(event['impersonatedUser']['username']) : undefined;
  const groups = Array.isArray(user['groups']) ? user['groups'].filter((g) => typeof g === 'string').join(', ') : '';
  const ips = Array.isArray(event['sourceIPs'])
    ? event['sourceIPs'].filter((ip) => typeof ip === 'string').join(', ')
    : '';
  const trailers: Array<readonly [string, string]> = [
    ['Source', SOURCE],
    ['Cluster', cluster],
    ['Event-ID', event.auditID],
    ['Verb', event.verb],
  ];
  if (event.objectRef?.subresource) trailers.push(['Subresource', event.objectRef.subresource]);
  if (ips) trailers.push(['Source-IP', ips]);
  const agent = str(event['userAgent']);
  if (agent) trailers.push(['User-Agent', agent]);
  if (groups) trailers.push(['Groups', groups]);
  if (impersonated) trailers.push(['Impersonated-User', impersonated]);
  return [...trailers, ...extra];
}

function describe(ref: ObjectRef, name: string | undefined, namespace: string | undefined): string {
  const what = ref.apiGroup ? `${ref.apiGroup}/${ref.resource}` : `${ref.resource}`;
  const sub = ref.subresource ? `/${ref.subresource}` : '';
  const target = name ? (namespace ? `${namespace}/${name}` : name) : namespace ? `${namespace}/*` : '*';
  return `${what}${sub} ${target}`;
}

/** Removes managed fields and hashes secrets in an object carried by an event. */
function cleanCarriedObject(value: unknown, isSecret: boolean, options: KubernetesNormaliseOptions): unknown {
  if (!isObject(value))
    return isSecret && value !== undefined && value !== null ? options.redact(JSON.stringify(value)) : value;
  let object: Record<string, unknown> = value;
  if (isObject(object['metadata']) && 'managedFields' in object['metadata']) {
    const { managedFields: _dropped, ...metadata } = object['metadata'];
    object = { ...object, metadata };
  }
  if (isSecret)
    object =
      object['kind'] === 'Secret' || 'data' in object || 'stringData' in object
        ? redactSecret(object, options.redact)
        : { redacted: options.redact(JSON.stringify(object)) };
  return redactKeys(object, options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEY_SET, options.redact);
}

/** tokenreviews, subjectaccessreviews, selfsubjectrulesreviews, … of any group. */
export function isReview(resource: string | undefined): boolean {
  return resource !== undefined && /reviews$/i.test(resource);
}

function activityRecord(
  event: AuditEvent,
  time: number,
  reason: string,
  options: KubernetesNormaliseOptions,
): ChangeRecord {
  const ref = event.objectRef ?? {};
  // Any group's `secrets` (not only core/v1): over-redacting an activity record is safe.
  const isSecret = ref.resource === 'secrets';
  const doc: Doc = { ...event };
  for (const key of ['requestObject', 'responseObject'] as const) {
    // A review (TokenReview, SubjectAccessReview, …) carries the bearer token or the question
    // asked on someone's behalf: its bodies are never stored, whatever the outcome.
    if (isReview(ref.resource) && key in doc) delete doc[key];
    else if (key in doc) doc[key] = cleanCarriedObject(doc[key], isSecret, options);
  }
  doc['cluster'] = options.cluster;
  // Sensitive keys are hashed wherever they appear in the event, not only in the objects it carries.
  const stored = redactKeys(doc, options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEY_SET, options.redact) as Doc;
  const code = statusCode(event);
  const what = ref.resource ? describe(ref, ref.name, ref.namespace) : (str(event['requestURI']) ?? '');
  return {
    eventId: event.auditID,
    branch: 'activity',
    // Filed by when the request arrived, which every stage of it shares.
    path: activityPath(
      'kubernetes',
      parseUtcTimestamp(str(event['requestReceivedTimestamp']) ?? '') ?? time,
      event.auditID,
    ),
    update: { kind: 'put', doc: stored },
    author: kubernetesActor(event['user'] as never),
    time,
    subject: `${event.verb} ${what}${code !== undefined ? ` (${code})` : ''}`.trim(),
    trailers: trailersFor(event, options.cluster, [
      ['Activity', reason],
      ['Attribution', 'exact'],
    ]),
    source: SOURCE,
  };
}

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

function stateChanges(
  event: AuditEvent,
  ref: ObjectRef,
  time: number,
  options: KubernetesNormaliseOptions,
): NormaliseResult {
  const author = kubernetesActor(event['user'] as never);
  const clusterScoped = isClusterScopedRef(named(ref));
  const base = (namespace: string | undefined, name: string) =>
    kubernetesPath({
      cluster: options.cluster,
      namespace: clusterScoped ? undefined : namespace,
      group: ref.apiGroup ?? '',
      resource: ref.resource as string,
      name,
    });
  const record = (path: string, update: ChangeRecord['update'], subject: string, extra: Trailers): ChangeRecord => ({
    eventId: event.auditID,
    branch: 'main',
    path,
    update,
    author,
    time,
    subject,
    trailers: trailersFor(event, options.cluster, [...extra, ['Attribution', 'exact']]),
    source: SOURCE,
  });
  const responseObject = stateObject(event['responseObject']);
  const requestObject =
    event.verb === 'create' || event.verb === 'update' ? stateObject(event['requestObject']) : undefined;
  const fact = (name: string | undefined, namespace: string | undefined): AttributionFact[] =>
    name
      ? [
          {
            cluster: options.cluster,
            path: base(namespace, name),
            ...(ref.uid ? { uid: ref.uid } : {}),
            ...(ref.resourceVersion ? { resourceVersion: ref.resourceVersion } : {}),
            actor: author,
            verb: event.verb,
            time,
            eventId: event.auditID,
            trailers: trailersFor(event, options.cluster, []),
          },
        ]
      : [];

  if (ref.subresource === 'scale') {
    const scale =
      stateObject(event['responseObject']) ??
      (event.verb === 'patch' ? undefined : stateObject(event['requestObject']));
    const replicas = isObject(scale?.['spec']) ? scale['spec']['replicas'] : undefined;
    if (!ref.name || typeof replicas !== 'number')
      return {
        kind: 'ignored',
        reason: 'scale without a resulting replica count',
        facts: fact(ref.name, ref.namespace),
      };
    const uid = str((scale?.['metadata'] as Record<string, unknown> | undefined)?.['uid']);
    return {
      kind: 'changes',
      changes: [
        record(
          base(ref.namespace, ref.name),
          { kind: 'set-fields', fields: { 'spec.replicas': replicas }, createIfMissing: false },
          `${event.verb} ${describe(ref, ref.name, ref.namespace)}`,
          uid ? [['UID', uid]] : [],
        ),
      ],
      facts: fact(ref.name, ref.namespace),
    };
  }
  if (ref.subresource && ref.subresource !== 'status')
    return {
      kind: 'ignored',
      reason: `subresource ${ref.subresource} is not the object's state`,
      facts: fact(ref.name, ref.namespace),
    };

  const groupResource = groupResourceOf({ group: ref.apiGroup, resource: ref.resource as string });
  const keepStatus = options.noiseRules?.(groupResource).keepStatus ?? false;
  if (event.verb === 'delete') {
    if (!ref.name) return { kind: 'ignored', reason: 'delete without a name' };
    const path = base(ref.namespace, ref.name);
    const uid = ref.uid ?? str((responseObject?.['metadata'] as Record<string, unknown> | undefined)?.['uid']);
    const subject = `delete ${describe(ref, ref.name, ref.namespace)}`;
    const changes = [record(path, { kind: 'delete' }, subject, uid ? [['UID', uid]] : [])];
    if (keepStatus) changes.push(record(statusSiblingPath(path), { kind: 'delete' }, subject, []));
    return { kind: 'changes', changes, facts: fact(ref.name, ref.namespace) };
  }
  if (event.verb === 'deletecollection') {
    const list = event['responseObject'];
    const items = isObject(list) && Array.isArray(list['items']) ? list['items'].filter(isObject) : [];
    const changes = items.flatMap((item, index) => {
      const meta = isObject(item['metadata']) ? item['metadata'] : {};
      const name = str(meta['name']);
      if (!name) return [];
      const namespace = str(meta['namespace']) ?? ref.namespace;
      return [
        record(base(namespace, name), { kind: 'delete' }, `deletecollection ${describe(ref, name, namespace)}`, []),
      ];
    });
    if (changes.length === 0) return { kind: 'ignored', reason: 'deletecollection without the deleted items' };
    return { kind: 'changes', changes };
  }

  const object = responseObject ?? requestObject;
  const meta = isObject(object?.['metadata']) ? (object['metadata'] as Record<string, unknown>) : {};
  const name = ref.name ?? str(meta['name']);
  const namespace = ref.namespace ?? str(meta['namespace']);
  if (!object || !name)
    return {
      kind: 'ignored',
      reason: object
        ? 'object without a name'
        : `no object in a ${String(event['level'] ?? 'unknown')}-level ${event.verb}`,
      facts: fact(name, namespace),
    };

  const denoised = removeNoise(object, options.noiseRules?.(groupResource) ?? {});
  let doc: Doc = denoised.doc;
  if (doc['apiVersion'] === undefined && ref.apiVersion)
    doc = { apiVersion: ref.apiGroup ? `${ref.apiGroup}/${ref.apiVersion}` : ref.apiVersion, ...doc };
  if (isCoreSecret(named(ref))) doc = redactSecret(doc, options.redact);
  doc = redactKeys(doc, options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEY_SET, options.redact) as Doc;
  const uid = str(meta['uid']) ?? ref.uid;
  const extra: Array<readonly [string, string]> = uid ? [['UID', uid]] : [];
  if (!responseObject) extra.push(['State', 'request']);
  const path = base(namespace, name);
  const subject = `${event.verb} ${describe(ref, name, namespace)}`;
  const changes = [record(path, { kind: 'put', doc }, subject, extra)];
  if (keepStatus && denoised.status !== undefined) {
    const statusDoc: Doc = {
      apiVersion: doc['apiVersion'],
      kind: doc['kind'],
      metadata: { name, ...(namespace ? { namespace } : {}) },
      status: denoised.status,
    };
    changes.push(record(statusSiblingPath(path), { kind: 'put', doc: statusDoc }, subject, extra));
  }
  return { kind: 'changes', changes, facts: fact(name, namespace) };
}
