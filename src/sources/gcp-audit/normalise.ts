// One GCP Cloud Audit Logs entry (Admin Activity, any service but k8s.io) → change records. Pure; shared
// by `gitrail ingest` and the Pub/Sub push route. A successful write updates the resource's file
//   gcp/<project>/<location|global>/<service>/<type>/<name>.yaml   (path.ts)
// with what the entry knows: `resourceName`, `service`, the latest call of each method under
// `calls.<methodName>` (eventId, timestamp, request, response without `@type` markers) and, for
// SetIamPolicy, the resulting policy as `iamPolicy` (bindings sorted by role, members sorted, no etag), so
// a diff shows the binding that changed. A delete removes the file. Failed and denied calls go to
// `activity` as the redacted entry; reads are ignored (entry.ts). The author is principalEmail.
import type { ChangeRecord, Doc, NormaliseResult, Trailers } from '../../domain/change.ts';
import { isObject } from '../../domain/json.ts';
import { actorFromName, UNRESOLVED_ACTOR } from '../../normalise/identity.ts';
import { activityPath } from '../../normalise/paths.ts';
import { DEFAULT_SENSITIVE_KEY_SET, type Redact, redactKeys } from '../../normalise/redact.ts';
import { type AuditEntry, codeName, readAuditEntry, routeEntry } from './entry.ts';
import { gcpPath, relativeResource, shortServiceName } from './path.ts';
import { keysForService } from './secret-fields.ts';

export const SOURCE = 'gcp-audit';

export interface GcpAuditNormaliseOptions {
  readonly redact: Redact;
  /** Key names hashed wherever they appear (lower case); the defaults when absent. */
  readonly sensitiveKeys?: ReadonlySet<string>;
}

/** Without the protobuf `@type` markers, at any depth: they name message types, not state. */
function withoutType(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutType);
  if (!isObject(value)) return value;
  const { '@type': _type, ...rest } = value;
  return Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, withoutType(item)]));
}

function trailersFor(entry: AuditEntry, activity: 'failed' | 'denied' | undefined): Trailers {
  const trailers: Array<readonly [string, string]> = [['Source', SOURCE]];
  const add = (key: string, value: string | undefined): void => {
    if (value !== undefined) trailers.push([key, value]);
  };
  const metadata = isObject(entry.payload['requestMetadata']) ? entry.payload['requestMetadata'] : {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  add('Project', entry.project);
  add('Location', entry.location);
  add('Event-ID', entry.eventId);
  add('Verb', entry.methodName);
  add('Service', entry.serviceName);
  add('Operation-ID', entry.operationId);
  add('Source-IP', text(metadata['callerIp']));
  add('User-Agent', text(metadata['callerSuppliedUserAgent']));
  add('Delegated-By', entry.delegatedBy);
  add('Error-Code', entry.code === 0 ? undefined : codeName(entry.code));
  add('Activity', activity);
  add('Attribution', entry.principal === undefined ? 'unresolved' : 'exact');
  return trailers;
}

/** The principal as it is (a person, a service account); no principal: unresolved, never an invented name. */
const authorOf = (entry: AuditEntry) =>
  entry.principal === undefined ? UNRESOLVED_ACTOR : actorFromName(entry.principal, 'gcp.invalid');

const keysOf = (entry: AuditEntry, options: GcpAuditNormaliseOptions) =>
  keysForService(entry.serviceName, options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEY_SET);

function activityChange(entry: AuditEntry, reason: 'failed' | 'denied', options: GcpAuditNormaliseOptions) {
  const what = entry.resourceName === undefined ? '' : ` ${entry.resourceName}`;
  const record: ChangeRecord = {
    eventId: entry.eventId,
    branch: 'activity',
    path: activityPath('gcp', entry.time, entry.eventId),
    update: { kind: 'put', doc: redactKeys(entry.raw, keysOf(entry, options), options.redact) as Doc },
    author: authorOf(entry),
    time: entry.time,
    subject: `${entry.methodName}${what} (${codeName(entry.code)})`,
    trailers: trailersFor(entry, reason),
    source: SOURCE,
  };
  return record;
}

const sortedStrings = (value: unknown): unknown =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? [...value].sort() : value;

/** An IAM policy for the file: bindings sorted by role (then condition), members sorted, without the etag. */
export function policyDocument(policy: Record<string, unknown>): Doc {
  const { etag: _etag, '@type': _type, ...rest } = policy;
  if (!Array.isArray(rest['bindings'])) return rest;
  const bindings = rest['bindings'].map((binding) =>
    isObject(binding) ? { ...binding, members: sortedStrings(binding['members']) } : binding,
  );
  const key = (binding: unknown) =>
    isObject(binding) ? `${String(binding['role'])}\u0000${JSON.stringify(binding['condition'] ?? null)}` : '';
  return { ...rest, bindings: bindings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) };
}

/** The policy a SetIamPolicy call left: its response (a Policy), else the request's `policy`. */
function policyOf(entry: AuditEntry): Record<string, unknown> | undefined {
  const response = entry.payload['response'];
  if (isObject(response) && Array.isArray(response['bindings'])) return response;
  const request = entry.payload['request'];
  return isObject(request) && isObject(request['policy']) ? request['policy'] : undefined;
}

/** `delete`, or `Delete<X>` where X ends with the resource's type in the singular (`DeleteServiceAccount`). */
function deletes(entry: AuditEntry, resource: readonly string[]): boolean {
  if (entry.verb === 'delete') return true;
  if (!entry.verb.startsWith('delete')) return false;
  const object = entry.verb.slice('delete'.length).toLowerCase();
  const type = (resource.length >= 2 ? resource[resource.length - 2] : '')?.toLowerCase() ?? '';
  const singulars = [type, type.replace(/s$/, ''), type.replace(/es$/, ''), type.replace(/ies$/, 'y')];
  return singulars.some((singular) => singular !== '' && object.endsWith(singular));
}

/** Dots in a method name are part of its key, not a path into the document. */
const fieldKey = (name: string) => name.replaceAll('.', '\\.');

function stateChange(entry: AuditEntry, options: GcpAuditNormaliseOptions): NormaliseResult {
  const resource = relativeResource(entry.segments ?? [], entry.location);
  let path: string;
  try {
    path = gcpPath({
      project: entry.project,
      location: entry.location,
      service: shortServiceName(entry.serviceName),
      resource,
    });
  } catch (error) {
    return { kind: 'rejected', reason: `cannot name the file of ${entry.resourceName}: ${(error as Error).message}` };
  }
  const keys = keysOf(entry, options);
  const clean = (value: unknown) => redactKeys(withoutType(value), keys, options.redact);
  const base = {
    eventId: entry.eventId,
    branch: 'main' as const,
    path,
    author: authorOf(entry),
    time: entry.time,
    subject: `${entry.methodName} ${resource.join('/')}`,
    trailers: trailersFor(entry, undefined),
    source: SOURCE,
  };
  if (deletes(entry, resource)) return { kind: 'changes', changes: [{ ...base, update: { kind: 'delete' } }] };
  const policy = entry.verb.toLowerCase() === 'setiampolicy' ? policyOf(entry) : undefined;
  const serviceData = entry.payload['serviceData'];
  const delta = isObject(serviceData) ? serviceData['policyDelta'] : undefined;
  const call: Record<string, unknown> = { eventId: entry.eventId, timestamp: entry.timestamp };
  if (policy === undefined) {
    if (entry.payload['request'] !== undefined) call['request'] = clean(entry.payload['request']);
    if (entry.payload['response'] !== undefined) call['response'] = clean(entry.payload['response']);
  }
  if (delta !== undefined) call['policyDelta'] = clean(delta);
  const fields: Record<string, unknown> = {
    resourceName: entry.resourceName,
    service: entry.serviceName,
    [`calls.${fieldKey(entry.methodName)}`]: call,
  };
  if (policy !== undefined) fields['iamPolicy'] = clean(policyDocument(policy));
  return { kind: 'changes', changes: [{ ...base, update: { kind: 'set-fields', fields, createIfMissing: true } }] };
}

export function normaliseGcpAuditEntry(input: unknown, options: GcpAuditNormaliseOptions): NormaliseResult {
  const read = readAuditEntry(input);
  if (!read.ok) return { kind: read.kind, reason: read.reason };
  const route = routeEntry(read.entry);
  switch (route.kind) {
    case 'ignored':
      return { kind: 'ignored', reason: route.reason };
    case 'activity':
      return { kind: 'changes', changes: [activityChange(read.entry, route.reason, options)] };
    case 'state':
      return stateChange(read.entry, options);
  }
}
