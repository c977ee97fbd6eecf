// The last resort for services without per-event knowledge: the resource is named by a
// `*Name`/`*Id`/`*Arn` key of requestParameters (`bucketName` → Bucket, `functionName` →
// Function), preferring the key that matches the event's noun (`CreateLogStream` →
// `logStreamName`); a Create call may name the new resource only in its response.
import { apiName, isObject } from './record.ts';

export interface GenericMatch {
  readonly type: string | undefined;
  readonly values: readonly string[];
}

const ID_KEY = /^(.*?)(Names|Ids|IDs|Arns|ARNs|Identifiers|Name|Id|ID|Arn|ARN|Identifier)$/;

/** Keys that name something the call uses, not the resource it changes. */
const RELATED_KEYS = new Set([
  'clientToken', 'clientRequestToken', 'requestId', 'kmsKeyId', 'kmsMasterKeyId', 'ownerId', 'registryId', 'roleArn', 'executionRoleArn',
  'serviceRoleArn', 'iamRoleArn', 'sourceArn', 'userId', 'principalId', 'accessKeyId', 'regionName', 'availabilityZoneId', 'hostName',
  'vpcId', 'subnetId', 'parentId', 'documentName', 'imageId', 'snapshotId',
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
  if (base === 'resource' && typeof declared === 'string' && /^[A-Za-z][A-Za-z0-9]*$/.test(declared)) return capitalise(declared);
  if (base === '' || base === 'resource') return noun;
  return capitalise(base);
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()];
  if (Array.isArray(value)) return value.flatMap((item) => (typeof item === 'string' && item.trim() !== '' ? [item.trim()] : []));
  return [];
}

interface Candidate extends GenericMatch {
  readonly score: number;
}

function score(type: string | undefined, noun: string | undefined): number {
  if (type === undefined || noun === undefined) return 1;
  const t = type.toLowerCase();
  const n = noun.toLowerCase();
  if (t === n) return 3;
  return n.startsWith(t) || n.endsWith(t) || t.startsWith(n) ? 2 : 1;
}

function candidates(source: unknown, noun: string | undefined, isRequest: boolean, depth: number): Candidate[] {
  if (!isObject(source)) return [];
  const out: Candidate[] = [];
  for (const [key, value] of Object.entries(source)) {
    if (isObject(value) && depth > 0) {
      out.push(...candidates(value, noun, isRequest, depth - 1));
      continue;
    }
    const values = stringsOf(value);
    const type = typeFromKey(key, noun, source);
    if (values.length === 0 || (type === undefined && !values[0]?.startsWith('arn:'))) continue;
    const points = score(type, noun);
    // Outside the request only a key naming the event's own noun is trusted.
    if (!isRequest && points < 3) continue;
    if (points === 1 && (RELATED_KEYS.has(key) || !isRequest)) continue;
    out.push({ type, values, score: points });
  }
  return out;
}

/** The best-named resource in a call's parameters, or undefined when none names one. */
export function findGenericResource(eventName: string, request: unknown, response: unknown): GenericMatch | undefined {
  const noun = eventNoun(eventName);
  const found = [...candidates(request, noun, true, 0), ...candidates(response, noun, false, 1)];
  let best: Candidate | undefined;
  for (const candidate of found) if (best === undefined || candidate.score > best.score) best = candidate;
  return best === undefined ? undefined : { type: best.type, values: best.values };
}

/**
 * `Enable…`/`Disable…` calls that name nothing toggle an account-wide setting
 * (`DisableEbsEncryptionByDefault`): its file is named by the account.
 */
export function accountSettingType(eventName: string): string | undefined {
  const match = /^(?:Enable|Disable)([A-Z]\w+)$/.exec(apiName(eventName));
  return match?.[1];
}
