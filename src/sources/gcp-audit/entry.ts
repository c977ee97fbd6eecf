// A Cloud Logging LogEntry whose protoPayload is a Cloud Audit Logs AuditLog, read into the fields
// gitrail records, and where it goes: a resource change on `main`, `activity` (failed and denied calls),
// or nowhere (reads, Data Access and System Event logs, completions of operations already recorded). Pure.
import { isObject, nonEmptyString as str } from '../../domain/json.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';
import { locationInName, resourceSegments } from './path.ts';

/** google.rpc.Code names, for subjects and the `Error-Code:` trailer. */
const CODE_NAMES: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];
const PERMISSION_DENIED = 7;
const UNAUTHENTICATED = 16;

/** The audit log an entry was written to: `projects/<p>/logs/cloudaudit.googleapis.com%2F<kind>`. */
const AUDIT_LOG = /\/logs\/cloudaudit\.googleapis\.com(?:%2F|\/)([a-z_]+)$/;
const PROJECT_LOG = /^projects\/([^/]+)\/logs\//;

/** Method names (their last dot-separated part) that only read: `get`, `GetIamPolicy`, `aggregatedList`, … */
const READ_VERBS =
  'get|list|aggregatedList|search|batchGet|lookup|query|testIamPermissions|check|validate|watch|read|fetch';
const READ_METHOD = new RegExp(`^(?:${READ_VERBS})(?=[A-Z]|$)`);

export interface AuditEntry {
  readonly raw: Record<string, unknown>;
  readonly serviceName: string;
  readonly methodName: string;
  /** The last dot-separated part of methodName, first letter in lower case: `insert`, `setIamPolicy`. */
  readonly verb: string;
  readonly resourceName: string | undefined;
  readonly segments: readonly string[] | undefined;
  readonly project: string;
  readonly location: string;
  readonly time: number;
  readonly timestamp: string;
  readonly eventId: string;
  readonly operationId: string | undefined;
  /** google.rpc.Code; 0 when the call succeeded. */
  readonly code: number;
  readonly principal: string | undefined;
  readonly delegatedBy: string | undefined;
  readonly payload: Record<string, unknown>;
}

export type EntryRoute =
  | { readonly kind: 'state' }
  | { readonly kind: 'activity'; readonly reason: 'failed' | 'denied' }
  | { readonly kind: 'ignored'; readonly reason: string };

export type EntryRead =
  | { readonly ok: true; readonly entry: AuditEntry }
  | { readonly ok: false; readonly kind: 'ignored' | 'rejected'; readonly reason: string };

const labelsOf = (value: unknown): Record<string, unknown> =>
  isObject(value) && isObject(value['labels']) ? value['labels'] : {};

/** `protoPayload.serviceName` of a LogEntry, or undefined when it is not an audit log entry. */
export function auditServiceName(input: unknown): string | undefined {
  if (!isObject(input) || !isObject(input['protoPayload'])) return undefined;
  return str(input['protoPayload']['serviceName']);
}

export function codeName(code: number): string {
  return CODE_NAMES[code] ?? String(code);
}

function principalOf(payload: Record<string, unknown>): { principal?: string; delegatedBy?: string } {
  const auth = isObject(payload['authenticationInfo']) ? payload['authenticationInfo'] : {};
  const principal = str(auth['principalEmail']) ?? str(auth['principalSubject']);
  const chain = Array.isArray(auth['serviceAccountDelegationInfo']) ? auth['serviceAccountDelegationInfo'] : [];
  const first = chain.find((item) => isObject(item) && isObject(item['firstPartyPrincipal']));
  const party = isObject(first) && isObject(first['firstPartyPrincipal']) ? first['firstPartyPrincipal'] : {};
  const delegatedBy = str(party['principalEmail']) ?? str(party['principalSubject']);
  return { ...(principal ? { principal } : {}), ...(delegatedBy ? { delegatedBy } : {}) };
}

const fail = (kind: 'ignored' | 'rejected', reason: string): EntryRead => ({ ok: false, kind, reason });

export function readAuditEntry(input: unknown): EntryRead {
  if (!isObject(input)) return fail('rejected', 'a LogEntry must be a JSON object');
  const payload = input['protoPayload'];
  if (!isObject(payload)) return fail('ignored', 'no protoPayload (not an audit log entry)');
  const type = str(payload['@type']);
  if (type !== undefined && !type.endsWith('/google.cloud.audit.AuditLog'))
    return fail('ignored', `protoPayload is a ${type}, not a Cloud Audit Logs AuditLog`);
  const serviceName = str(payload['serviceName']);
  if (serviceName === undefined) return fail('rejected', 'protoPayload.serviceName is missing');
  if (serviceName === 'k8s.io') return fail('ignored', 'serviceName k8s.io is GKE audit (recorded as Kubernetes)');
  const methodName = str(payload['methodName']);
  if (methodName === undefined) return fail('rejected', 'protoPayload.methodName is missing');
  const logName = str(input['logName']);
  const resourceName = str(payload['resourceName']);
  const segments = resourceName === undefined ? undefined : resourceResult(resourceName);
  if (segments === null) return fail('rejected', `protoPayload.resourceName ${resourceName} has an empty segment`);
  const labels = labelsOf(input['resource']);
  const project = str(labels['project_id']) ?? (logName ? PROJECT_LOG.exec(logName)?.[1] : undefined);
  if (project === undefined)
    return fail(
      'rejected',
      'the entry names no project (resource.labels.project_id or logName projects/<p>/logs/…); ' +
        'organization, folder and billing account audit logs are not recorded',
    );
  const location =
    str(labels['zone']) ??
    str(labels['region']) ??
    str(labels['location']) ??
    (segments ? locationInName(segments) : undefined) ??
    'global';
  const timestamp = str(input['timestamp']) ?? str(input['receiveTimestamp']);
  const time = timestamp === undefined ? undefined : parseUtcTimestamp(timestamp);
  if (timestamp === undefined || time === undefined) return fail('rejected', 'timestamp is missing or not a time');
  const operationId = isObject(input['operation']) ? str(input['operation']['id']) : undefined;
  const eventId = str(input['insertId']) ?? operationId;
  if (eventId === undefined) return fail('rejected', 'neither insertId nor operation.id is present');
  const status = isObject(payload['status']) ? payload['status'] : {};
  const code = typeof status['code'] === 'number' ? status['code'] : 0;
  const last = methodName.split('.').at(-1) ?? methodName;
  const verb = `${last.charAt(0).toLowerCase()}${last.slice(1)}`;
  return {
    ok: true,
    entry: {
      raw: input,
      serviceName,
      methodName,
      verb,
      resourceName,
      segments,
      project,
      location,
      time,
      timestamp,
      eventId,
      operationId,
      code,
      ...principalOf(payload),
      payload,
    } as AuditEntry,
  };
}

function resourceResult(resourceName: string): string[] | null {
  return resourceSegments(resourceName) ?? null;
}

/** True when every authorization check was for a read permission, or the method name reads. */
export function isReadOnly(entry: AuditEntry): boolean {
  const checks = Array.isArray(entry.payload['authorizationInfo']) ? entry.payload['authorizationInfo'] : [];
  const types = checks.map((check) => (isObject(check) ? str(check['permissionType']) : undefined));
  if (types.length > 0 && types.every((type) => type === 'ADMIN_READ' || type === 'DATA_READ')) return true;
  return READ_METHOD.test(entry.verb);
}

export function routeEntry(entry: AuditEntry): EntryRoute {
  const log = str(entry.raw['logName']);
  const kind = log ? AUDIT_LOG.exec(log)?.[1] : undefined;
  const denied = entry.code === PERMISSION_DENIED || entry.code === UNAUTHENTICATED || kind === 'policy';
  if (denied) return { kind: 'activity', reason: 'denied' };
  if (kind === 'data_access') return { kind: 'ignored', reason: `Data Access audit log entry ${entry.methodName}` };
  if (kind === 'system_event')
    return {
      kind: 'ignored',
      reason: `System Event audit log entry ${entry.methodName} (made by Google, not a person)`,
    };
  const readOnly = isReadOnly(entry);
  if (entry.code !== 0)
    return readOnly
      ? { kind: 'ignored', reason: `read-only call ${entry.methodName} failed with ${codeName(entry.code)}` }
      : { kind: 'activity', reason: 'failed' };
  if (readOnly) return { kind: 'ignored', reason: `read-only call ${entry.methodName}` };
  const operation = isObject(entry.raw['operation']) ? entry.raw['operation'] : {};
  const carries = ['request', 'response', 'serviceData'].some((key) => entry.payload[key] !== undefined);
  if (operation['last'] === true && operation['first'] !== true && !carries)
    return {
      kind: 'ignored',
      reason: `completion of operation ${entry.operationId ?? '(no id)'} (recorded from its first entry)`,
    };
  if (entry.resourceName === undefined) return { kind: 'ignored', reason: `${entry.methodName} names no resource` };
  return { kind: 'state' };
}
