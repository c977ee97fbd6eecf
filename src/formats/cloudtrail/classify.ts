// Where a CloudTrail record goes: a change of a resource on `main`, an `activity` event
// (denied or failed calls, sign-ins, AssumeRole, secret reads, sessions, root reads), or
// nowhere (other reads, data and Insights events, agent housekeeping). DESIGN §3, §4.
import { isObject } from '../../domain/json.ts';
import { str, type CloudTrailRecord } from './record.ts';

export type Route =
  | { readonly kind: 'state' }
  | { readonly kind: 'activity'; readonly reason: ActivityReason }
  | { readonly kind: 'ignored'; readonly reason: string };

/** The `Activity:` trailer: why an event that changed no resource is recorded. */
export type ActivityReason =
  | 'denied'
  | 'failed'
  | 'dry-run'
  | 'sign-in'
  | 'assume-role'
  | 'credentials'
  | 'secret-read'
  | 'session'
  | 'root';

// Used only when a record has no `readOnly` (older records and some samples).
const READ_ONLY_VERBS = [
  'Get',
  'List',
  'Describe',
  'Head',
  'Lookup',
  'Search',
  'Scan',
  'Query',
  'BatchGet',
  'Check',
  'Select',
  'View',
  'Preview',
  'Estimate',
  'Validate',
  'Test',
  'Simulate',
  'Decrypt',
  'Encrypt',
  'ReEncrypt',
  'Generate',
  'Sign',
  'Verify',
];
const READ_ONLY_NAME = new RegExp(`^(?:${READ_ONLY_VERBS.join('|')})(?=[A-Z]|$)`);

// Object-level S3 and Lambda Invoke are data events; old records do not say so.
const DATA_EVENT_NAMES: Readonly<Record<string, ReadonlySet<string>>> = {
  s3: new Set([
    'PutObject',
    'CopyObject',
    'DeleteObject',
    'DeleteObjects',
    'GetObject',
    'HeadObject',
    'PutObjectAcl',
    'PutObjectTagging',
    'DeleteObjectTagging',
    'PutObjectRetention',
    'PutObjectLegalHold',
    'RestoreObject',
    'SelectObjectContent',
    'CreateMultipartUpload',
    'UploadPart',
    'UploadPartCopy',
    'CompleteMultipartUpload',
    'AbortMultipartUpload',
    'GetObjectAcl',
    'GetObjectTagging',
  ]),
  lambda: new Set(['Invoke', 'InvokeAsync', 'InvokeWithResponseStream']),
};

/** Agents that report in and poll; their calls change no configuration anyone made. */
const HOUSEKEEPING: Readonly<Record<string, ReadonlySet<string> | 'all'>> = {
  ec2messages: 'all',
  ssmmessages: 'all',
  ssm: new Set(['UpdateInstanceInformation', 'PutInventory', 'PutComplianceItems', 'UpdateInstanceAssociationStatus']),
};

const CREDENTIALS: Readonly<Record<string, ReadonlySet<string>>> = {
  sts: new Set(['GetFederationToken', 'GetSessionToken']),
  sso: new Set(['GetRoleCredentials', 'Federate', 'Authenticate', 'CreateToken']),
  'sso-oauth': new Set(['CreateToken']),
};

const SESSIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  ssm: new Set(['StartSession', 'ResumeSession', 'TerminateSession', 'SendCommand']),
  'ec2-instance-connect': new Set(['SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey', 'OpenTunnel']),
  ecs: new Set(['ExecuteCommand']),
};

const DENIED = /AccessDenied|UnauthorizedOperation|Unauthorized|Forbidden|NotAuthorized/i;

function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

function inSet(table: Readonly<Record<string, ReadonlySet<string> | 'all'>>, service: string, name: string): boolean {
  if (!Object.hasOwn(table, service)) return false;
  const names = table[service];
  return names === 'all' || (names !== undefined && names.has(name));
}

export function isReadOnly(record: CloudTrailRecord): boolean {
  return flag(record.raw['readOnly']) ?? READ_ONLY_NAME.test(record.eventName);
}

function isDataEvent(record: CloudTrailRecord): boolean {
  const category = str(record.raw['eventCategory']);
  if (category === 'Data' || category === 'NetworkActivity' || record.raw['eventType'] === 'AwsVpceEvent') return true;
  const management = flag(record.raw['managementEvent']);
  if (management !== undefined) return !management;
  return category === undefined && inSet(DATA_EVENT_NAMES, record.service, record.eventName);
}

function isSecretRead(record: CloudTrailRecord): boolean {
  const { service, eventName } = record;
  if (service === 'secretsmanager') return eventName === 'GetSecretValue' || eventName === 'BatchGetSecretValue';
  if (service === 'ec2') return eventName === 'GetPasswordData';
  const request = record.raw['requestParameters'];
  return (
    service === 'ssm' &&
    eventName.startsWith('GetParameter') &&
    isObject(request) &&
    flag(request['withDecryption']) === true
  );
}

export function classifyRecord(record: CloudTrailRecord): Route {
  const { service, eventName } = record;
  if (record.raw['eventCategory'] === 'Insight' || record.raw['eventType'] === 'AwsCloudTrailInsight')
    return { kind: 'ignored', reason: 'CloudTrail Insights event' };
  if (isDataEvent(record)) return { kind: 'ignored', reason: `data event ${service}:${eventName}` };
  if (inSet(HOUSEKEEPING, service, eventName))
    return { kind: 'ignored', reason: `agent housekeeping ${service}:${eventName}` };
  const readOnly = isReadOnly(record);
  if (record.errorCode !== undefined) {
    if (/DryRunOperation$/.test(record.errorCode)) return { kind: 'activity', reason: 'dry-run' };
    if (DENIED.test(record.errorCode)) return { kind: 'activity', reason: 'denied' };
    if (readOnly)
      return { kind: 'ignored', reason: `read-only call ${service}:${eventName} failed with ${record.errorCode}` };
    return { kind: 'activity', reason: 'failed' };
  }
  if (service === 'signin' || record.raw['eventType'] === 'AwsConsoleSignIn')
    return { kind: 'activity', reason: 'sign-in' };
  if (service === 'sts' && eventName.startsWith('AssumeRole')) return { kind: 'activity', reason: 'assume-role' };
  if (inSet(CREDENTIALS, service, eventName)) return { kind: 'activity', reason: 'credentials' };
  if (isSecretRead(record)) return { kind: 'activity', reason: 'secret-read' };
  if (inSet(SESSIONS, service, eventName)) return { kind: 'activity', reason: 'session' };
  if (readOnly) {
    if (record.userIdentity['type'] === 'Root') return { kind: 'activity', reason: 'root' };
    return { kind: 'ignored', reason: `read-only call ${service}:${eventName}` };
  }
  return { kind: 'state' };
}
