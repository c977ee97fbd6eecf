// Per-event knowledge: which resource an API call changes and where its id is. A rule names
// the ResourceType and id locations tried in order; the first location that yields ids wins.
// Locations are dotted paths rooted at `request` (requestParameters), `response`
// (responseElements), `additional` (additionalEventData), `service` (serviceEventDetails),
// `caller` (the calling IAM user) or `account`; arrays met on the way fan out, so one call may change several
// resources.

export interface EventRule {
  /** The last part of the CloudFormation type (`Role`, `SecurityGroup`), or one per id. */
  readonly type: string | ((id: string) => string | undefined);
  readonly ids: readonly string[];
  /** The call removes the resource (DeleteRole, TerminateInstances, …). */
  readonly deletes?: boolean;
  /**
   * Makes ids given in different spellings name the same file (RDS ids are lower case);
   * undefined drops an id that does not name this resource (a KMS alias given as key id).
   */
  readonly normaliseId?: (id: string) => string | undefined;
}

/** Rules by event name; several rules when one call changes resources of several types. */
export type ServiceRules = Readonly<Record<string, EventRule | readonly EventRule[]>>;

export interface RuleContext {
  readonly request: unknown;
  readonly response: unknown;
  readonly additional: unknown;
  readonly service: unknown;
  /** The IAM user who called, for self-service calls (ChangePassword) that name no user. */
  readonly caller: unknown;
  readonly account: string | undefined;
}

/** The same rule for several event names. */
export function forEach(names: readonly string[], rule: EventRule): Record<string, EventRule> {
  return Object.fromEntries(names.map((name) => [name, rule]));
}

function descend(values: readonly unknown[], key: string): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    if (Array.isArray(value)) out.push(...descend(value, key));
    else if (value !== null && typeof value === 'object' && key in value)
      out.push((value as Record<string, unknown>)[key]);
  }
  return out;
}

function strings(values: readonly unknown[]): string[] {
  return values.flatMap((value) =>
    Array.isArray(value) ? strings(value) : typeof value === 'string' && value.trim() !== '' ? [value.trim()] : [],
  );
}

/** The ids found at one location, in order, without duplicates. */
export function valuesAt(location: string, context: RuleContext): string[] {
  const [root, ...keys] = location.split('.');
  if (root === 'account') return context.account ? [context.account] : [];
  const roots: Readonly<Record<string, unknown>> = {
    request: context.request,
    response: context.response,
    additional: context.additional,
    service: context.service,
    caller: context.caller,
  };
  const start = root !== undefined && Object.hasOwn(roots, root) ? roots[root] : undefined;
  let current: unknown[] = [start];
  for (const key of keys) current = descend(current, key);
  return [...new Set(strings(current))];
}

/** The rules for an event, as a list. */
export function rulesFor(rules: ServiceRules | undefined, eventName: string): readonly EventRule[] {
  if (!rules || !Object.hasOwn(rules, eventName)) return [];
  const found = rules[eventName];
  if (found === undefined) return [];
  return Array.isArray(found) ? found : [found as EventRule];
}
