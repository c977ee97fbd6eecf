// Which resources a CloudTrail call changes, in order of trust: the record's `resources`
// (ARN + type), then per-event knowledge of the common services, then a generic look at
// requestParameters' `*Name`/`*Id`/`*Arn` keys. One call may change several resources.
import { isObject } from '../../domain/json.ts';
import { arnResourceId, arnResourceType, parseArn, type Arn } from './arn.ts';
import { accountSettingType, eventNoun, findGenericResource } from './generic-resource.ts';
import { apiName, type CloudTrailRecord } from './record.ts';
import { serviceRules } from './services/registry.ts';
import { rulesFor, valuesAt, type EventRule, type RuleContext } from './services/rule.ts';

export interface ResolvedResource {
  /** The service segment of the path (`iam`, `kms`). */
  readonly service: string;
  readonly type: string;
  readonly id: string;
  readonly arn?: string;
  /** The region named by the resource's ARN, which wins over the record's awsRegion. */
  readonly region?: string;
  readonly deletes: boolean;
}

export type Resolution =
  | { readonly ok: true; readonly resources: readonly ResolvedResource[] }
  | { readonly ok: false; readonly reason: string };

/** ARN services whose APIs log under another event source. */
const EVENT_SOURCE_OF_ARN_SERVICE: Readonly<Record<string, string>> = { cloudwatch: 'monitoring' };

/** Resource types that are data, never a file of their own. */
const DATA_TYPES = new Set(['AWS::S3::Object']);

type Draft = Omit<ResolvedResource, 'deletes'>;

function pathService(arnService: string): string {
  return Object.hasOwn(EVENT_SOURCE_OF_ARN_SERVICE, arnService)
    ? (EVENT_SOURCE_OF_ARN_SERVICE[arnService] as string)
    : arnService;
}

function lastTypePart(type: unknown): string | undefined {
  return typeof type === 'string' && type.includes('::') ? type.split('::').at(-1) : undefined;
}

/** A resource named by a value that may be an ARN; undefined when the ARN names another type. */
interface Naming {
  readonly type: EventRule['type'] | undefined;
  readonly normaliseId?: EventRule['normaliseId'];
}

function draftFromValue(value: string, rule: Naming, service: string): Draft | undefined {
  const arn = parseArn(value);
  const declared = typeof rule.type === 'string' ? rule.type : undefined;
  if (arn) {
    const arnType = arnResourceType(arn);
    if (declared !== undefined && arnType !== undefined && arnType !== declared) return undefined;
    const rawId = arnResourceId(arn);
    const id = rule.normaliseId ? rule.normaliseId(rawId) : rawId;
    const type = arnType ?? declared ?? (typeof rule.type === 'function' ? rule.type(rawId) : undefined);
    if (!id || !type) return undefined;
    return { service: pathService(arn.service), type, id, arn: value, ...(arn.region ? { region: arn.region } : {}) };
  }
  const id = rule.normaliseId ? rule.normaliseId(value) : value;
  const type = declared ?? (typeof rule.type === 'function' && id ? rule.type(id) : undefined);
  return id && type ? { service, type, id } : undefined;
}

function fromResourcesArray(record: CloudTrailRecord): Draft[] {
  const entries = Array.isArray(record.raw['resources']) ? record.raw['resources'] : [];
  return entries.flatMap((entry): Draft[] => {
    if (!isObject(entry) || DATA_TYPES.has(String(entry['type']))) return [];
    const arn = parseArn(entry['ARN'] ?? entry['arn']);
    if (!arn) return [];
    const type = arnResourceType(arn) ?? lastTypePart(entry['type']);
    const id = arnResourceId(arn);
    if (!type || !id) return [];
    return [
      { service: pathService(arn.service), type, id, arn: arn.arn, ...(arn.region ? { region: arn.region } : {}) },
    ];
  });
}

function ruleContext(record: CloudTrailRecord): RuleContext {
  return {
    request: record.raw['requestParameters'],
    response: record.raw['responseElements'],
    additional: record.raw['additionalEventData'],
    service: record.raw['serviceEventDetails'],
    caller: record.userIdentity['type'] === 'IAMUser' ? record.userIdentity : undefined,
    account: record.account,
  };
}

function fromRules(record: CloudTrailRecord, rules: readonly EventRule[]): Draft[] {
  const context = ruleContext(record);
  return rules.flatMap((rule) => {
    for (const location of rule.ids) {
      const drafts = valuesAt(location, context).flatMap((value) => draftFromValue(value, rule, record.service) ?? []);
      if (drafts.length > 0) return drafts;
    }
    return [];
  });
}

function fromGeneric(record: CloudTrailRecord): Draft[] {
  // Service events carry in serviceEventDetails what calls carry in requestParameters.
  const request = isObject(record.raw['requestParameters'])
    ? record.raw['requestParameters']
    : record.raw['serviceEventDetails'];
  const match = findGenericResource(record.eventName, request, record.raw['responseElements']);
  // A value that is an ARN says its own type; the key's type is the fallback.
  if (match)
    return match.values.flatMap((value) => draftFromValue(value, { type: () => match.type }, record.service) ?? []);
  // Only where the service has no per-event knowledge (which lists its account settings), and
  // only when the record shows the parameters: without them nothing says no resource was named.
  const setting =
    serviceRules(record.service) === undefined && 'requestParameters' in record.raw
      ? accountSettingType(record.eventName)
      : undefined;
  return setting && record.account ? [{ service: record.service, type: setting, id: record.account }] : [];
}

/** A rule that says so, else the convention `Delete<Type>` / `Delete<Type>s`. */
function isDeleting(record: CloudTrailRecord, rules: readonly EventRule[], draft: Draft): boolean {
  if (rules.length > 0) {
    return rules.some((rule) => rule.deletes === true && (typeof rule.type !== 'string' || rule.type === draft.type));
  }
  const name = apiName(record.eventName);
  return name.startsWith('Delete') && eventNoun(name) === draft.type;
}

/** Not a Lambda version or alias ARN (`function:name:3`), which names more than the function. */
function isUnqualified(arn: Arn): boolean {
  return arn.service !== 'lambda' || arn.resource.split(':').length === 2;
}

/** The resource's ARN when the call mentions it anywhere near the top (CreateRole's `role.arn`). */
function findArn(values: readonly unknown[], draft: Draft, depth: number): string | undefined {
  for (const value of values) {
    if (typeof value === 'string') {
      const arn = parseArn(value);
      if (arn && isUnqualified(arn) && arnResourceId(arn) === draft.id && arnResourceType(arn) === draft.type)
        return value;
    } else if (isObject(value) && depth > 0) {
      const found = findArn(Object.values(value), draft, depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

function unique(drafts: readonly Draft[]): Draft[] {
  const seen = new Set<string>();
  return drafts.filter((draft) => {
    const key = JSON.stringify([draft.service, draft.type, draft.id]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function resolveResources(record: CloudTrailRecord): Resolution {
  const rules = rulesFor(serviceRules(record.service), apiName(record.eventName));
  let drafts = fromResourcesArray(record);
  if (drafts.length === 0 && rules.length > 0) drafts = fromRules(record, rules);
  // Per-event knowledge is authoritative: a known call whose id is missing names nothing.
  if (drafts.length === 0 && rules.length === 0) drafts = fromGeneric(record);
  if (drafts.length === 0) {
    const where =
      rules.length > 0
        ? `where ${apiName(record.eventName)} names it (${rules.flatMap((rule) => rule.ids).join(', ')})`
        : 'in resources or requestParameters';
    return { ok: false, reason: `no resource named by ${record.service}:${record.eventName}: nothing ${where}` };
  }
  const near = [record.raw['responseElements'], record.raw['requestParameters']];
  const resources = unique(drafts).map((draft) => {
    const arn = draft.arn ?? findArn(near, draft, 2);
    return { ...draft, ...(arn ? { arn } : {}), deletes: isDeleting(record, rules, draft) };
  });
  return { ok: true, resources };
}

/** `Type id` of the first resource (and how many more), for subjects of activity events. */
export function describeResources(resources: readonly ResolvedResource[]): string {
  const first = resources[0];
  if (!first) return '';
  return `${first.type} ${first.id}${resources.length > 1 ? ` (+${resources.length - 1})` : ''}`;
}
