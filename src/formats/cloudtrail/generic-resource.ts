// The last resort for calls without per-event knowledge: the resource is named by a
// `*Name`/`*Id`/`*Arn` key of requestParameters (`bucketName` → Bucket, `functionName` →
// Function), preferring the key that matches the event's noun (`CreateLogStream` →
// `logStreamName`); a Create call may name the new resource only in its response.
import { isObject } from '../../domain/json.ts';
import { apiName } from './record.ts';

export interface GenericMatch {
  readonly type: string | undefined;
  readonly values: readonly string[];
}

const ID_KEY = /^(.*?)(Names|Ids|IDs|Arns|ARNs|Identifiers|Name|Id|ID|Arn|ARN|Identifier)$/;

/** Keys that name something the call uses, not the resource it changes. */
const RELATED_KEYS = new Set([
  'clientToken',
  'clientRequestToken',
  'requestId',
  'kmsKeyId',
  'kmsMasterKeyId',
  'ownerId',
  'registryId',
  'roleArn',
  'executionRoleArn',
  'serviceRoleArn',
  'iamRoleArn',
  'sourceArn',
  'userId',
  'principalId',
  'accessKeyId',
  'regionName',
  'availabilityZoneId',
  'hostName',
  'vpcId',
  'subnetId',
  'parentId',
  'documentName',
  'imageId',
  'snapshotId',
]);

function singular(noun: string): string {
  if (noun.endsWith('ies')) return `${noun.slice(0, -3)}y`;
  if (/(?:ss|us|is)$/.test(noun)) return noun;
  return noun.endsWith('s') ? noun.slice(0, -1) : noun;
}

/** The thing an event acts on: `CreateLogStream` → `LogStream`, `DeleteFlowLogs` → `FlowLog`. */
export function eventNoun(eventName: string): string | undefined {
  const rest = apiName(eventName).replace(/^[A-Z][a-z]+/, '');
  return rest === '' ? undefined : singular(rest);
}

const capitalise = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

function typeFromKey(key: string, noun: string | undefined, source: Record<string, unknown>): string | undefined {
  const match = ID_KEY.exec(key) ?? (/^(name|id|arn|identifier)$/i.test(key) ? ['', ''] : null);
  if (!match) return undefined;
  const base = match[1] as string;
  // Tagging APIs name the resource as `resourceId` beside its `resourceType` (SSM, Config).
  const declared = source['resourceType'];
  if (base === 'resource' && typeof declared === 'string' && /^[A-Za-z][A-Za-z0-9]*$/.test(declared))
    return capitalise(declared);
  if (base === '' || base === 'resource') return noun;
  return capitalise(base);
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()];
  if (Array.isArray(value))
    return value.flatMap((item) => (typeof item === 'string' && item.trim() !== '' ? [item.trim()] : []));
  return [];
}

interface Candidate extends GenericMatch {
  readonly score: number;
  /** Among keys naming the same thing, an ARN or id is the API's handle; a name may not be. */
  readonly handle: number;
}

function handleRank(key: string): number {
  return /(?:Arn|ARN|Arns|ARNs)$/.test(key) || /^arn$/i.test(key)
    ? 2
    : /(?:Id|ID|Ids|IDs|Identifier|Identifiers)$/.test(key) || /^id$/i.test(key)
      ? 1
      : 0;
}

function score(type: string | undefined, noun: string | undefined): number {
  if (type === undefined || noun === undefined) return 1;
  const t = type.toLowerCase();
  const n = noun.toLowerCase();
  if (t === n) return 3;
  return n.startsWith(t) || n.endsWith(t) || t.startsWith(n) ? 2 : 1;
}

/** How far a source is trusted: the request's own keys, keys nested in it, or the response. */
type Trust = 'request' | 'nested' | 'response';

// Outside the request's own keys only a key naming the event's noun is trusted.
const MINIMUM_SCORE: Readonly<Record<Trust, number>> = { request: 1, nested: 2, response: 3 };

/** Candidates among a source's keys and, one level down, its objects' keys. */
function candidates(source: unknown, noun: string | undefined, trust: Trust, depth = 1): Candidate[] {
  if (!isObject(source)) return [];
  const out: Candidate[] = [];
  for (const [pascalKey, value] of Object.entries(source)) {
    const key = `${pascalKey.charAt(0).toLowerCase()}${pascalKey.slice(1)}`;
    if (isObject(value)) {
      if (depth > 0) out.push(...candidates(value, noun, trust === 'request' ? 'nested' : trust, depth - 1));
      continue;
    }
    const values = stringsOf(value);
    const type = typeFromKey(key, noun, source);
    if (values.length === 0 || (type === undefined && !values[0]?.startsWith('arn:'))) continue;
    const points = score(type, noun);
    if (points < MINIMUM_SCORE[trust] || (points === 1 && RELATED_KEYS.has(key))) continue;
    out.push({ type, values, score: points, handle: handleRank(key) });
  }
  return out;
}

/**
 * Some EC2 APIs log the query protocol's wrappers: `{"CreateTrafficMirrorTargetRequest": {…}}`
 * and `{"CreateTrafficMirrorTargetResponse": {…}}`, with PascalCase keys inside.
 */
function unwrap(value: unknown, wrapper: string): unknown {
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === wrapper ? value[wrapper] : value;
}

/** The best-named resource in a call's parameters, or undefined when none names one. */
export function findGenericResource(
  eventName: string,
  wrappedRequest: unknown,
  wrappedResponse: unknown,
): GenericMatch | undefined {
  const noun = eventNoun(eventName);
  const request = unwrap(wrappedRequest, `${apiName(eventName)}Request`);
  const response = unwrap(wrappedResponse, `${apiName(eventName)}Response`);
  const found = [...candidates(request, noun, 'request'), ...candidates(response, noun, 'response')];
  let best: Candidate | undefined;
  for (const candidate of found) {
    const better =
      best === undefined ||
      candidate.score > best.score ||
      (candidate.score === best.score && candidate.type === best.type && candidate.handle > best.handle);
    if (better) best = candidate;
  }
  return best === undefined ? undefined : { type: best.type, values: best.values };
}

/**
 * A call that sets, enables or removes something yet names nothing changes an account-wide
 * setting of its service (`UpdateMacieSession`, `PutUseCaseForModelAccess`): the setting
 * is the event's noun and its file is named by the account.
 */
export function accountSettingType(eventName: string): string | undefined {
  const match = /^(?:Enable|Disable|Put|Update|Delete)([A-Z]\w+)$/.exec(apiName(eventName));
  return match?.[1];
}
