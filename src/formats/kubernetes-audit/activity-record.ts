// Activity records: requests that change no state but are worth a line in `activity` (denied
// or failed writes, secret reads, exec/attach sessions, evictions), with the objects they carry
// cleaned of managed fields and secrets. Pure.
import type { ChangeRecord, Doc } from '../../domain/change.ts';
import { isObject, nonEmptyString as str } from '../../domain/json.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';
import { kubernetesActor } from '../../normalise/identity.ts';
import { activityPath } from '../../normalise/paths.ts';
import { DEFAULT_SENSITIVE_KEY_SET, redactKeys, redactSecret } from '../../normalise/redact.ts';
import {
  type AuditEvent,
  describe,
  type KubernetesNormaliseOptions,
  SOURCE,
  statusCode,
  trailersFor,
} from './audit-event.ts';

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

export function activityRecord(
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
