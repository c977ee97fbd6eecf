// EC2 security groups: `ingress` and `egress` as canonical rules, one per protocol, port
// range and source, sorted, so authorizing then revoking a rule gives back the same text.
// Requests come as `ipPermissions.items[…]` (with `ipRanges`, `ipv6Ranges`, `groups`,
// `prefixListIds`), as flat `cidrIp`/`ipProtocol` fields, or revoke by `securityGroupRuleIds`;
// responses list the created rules with their ids in `securityGroupRuleSet`.
import { ownEntry } from '../../../domain/json.ts';
import { record, text, withKey, withKeys, type Configuration, type ConfigurationReducer } from './reducer.ts';

export interface SecurityGroupRule {
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly referencedGroupId?: string;
  readonly prefixListId?: string;
  readonly description?: string;
  readonly securityGroupRuleId?: string;
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
  all: '-1',
};

const items = (value: unknown): Record<string, unknown>[] => {
  const list = Array.isArray(value) ? value : record(value)['items'];
  return Array.isArray(list) ? list.map(record) : [];
};

// Ports arrive as numbers or as strings ("443") depending on the client.
function port(value: unknown): number | undefined {
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && /^-?\d+$/.test(value)
      ? Number(value)
      : undefined;
}

function makeRule(fields: {
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  source: Partial<SecurityGroupRule>;
  description?: unknown;
  ruleId?: unknown;
}): SecurityGroupRule {
  const raw = String(fields.protocol ?? '-1').toLowerCase();
  const ipProtocol = ownEntry(PROTOCOL_NAMES, raw) ?? raw;
  const ports = ipProtocol === '-1' ? {} : { fromPort: port(fields.fromPort), toPort: port(fields.toPort) };
  const rule = {
    ipProtocol,
    ...ports,
    ...fields.source,
    description: text(fields.description),
    securityGroupRuleId: text(fields.ruleId),
  };
  return Object.fromEntries(
    Object.entries(rule).filter(([, value]) => value !== undefined),
  ) as unknown as SecurityGroupRule;
}

/** One rule per source of each `ipPermissions` item. */
function rulesFromPermissions(permissions: readonly Record<string, unknown>[]): SecurityGroupRule[] {
  return permissions.flatMap((permission) => {
    const base = { protocol: permission['ipProtocol'], fromPort: permission['fromPort'], toPort: permission['toPort'] };
    return [
      ...items(permission['ipRanges']).map((range) =>
        makeRule({ ...base, source: { cidrIpv4: text(range['cidrIp']) }, description: range['description'] }),
      ),
      ...items(permission['ipv6Ranges']).map((range) =>
        makeRule({ ...base, source: { cidrIpv6: text(range['cidrIpv6']) }, description: range['description'] }),
      ),
      ...items(permission['groups']).map((group) =>
        makeRule({
          ...base,
          source: { referencedGroupId: text(group['groupId']) ?? text(group['groupName']) },
          description: group['description'],
        }),
      ),
      ...items(permission['prefixListIds']).map((list) =>
        makeRule({ ...base, source: { prefixListId: text(list['prefixListId']) }, description: list['description'] }),
      ),
    ];
  });
}

function rulesFromRequest(request: Readonly<Record<string, unknown>>): SecurityGroupRule[] {
  const fromItems = rulesFromPermissions(items(request['ipPermissions']));
  if (fromItems.length > 0) return fromItems;
  const cidr = text(request['cidrIp']);
  const group = text(request['sourceSecurityGroupName']) ?? text(request['sourceSecurityGroupId']);
  if (cidr === undefined && group === undefined) return [];
  const source = cidr !== undefined ? { cidrIpv4: cidr } : { referencedGroupId: group as string };
  return [
    makeRule({ protocol: request['ipProtocol'], fromPort: request['fromPort'], toPort: request['toPort'], source }),
  ];
}

function ruleFromResponseItem(item: Record<string, unknown>): SecurityGroupRule {
  const referenced = record(item['referencedGroupInfo']);
  return makeRule({
    protocol: item['ipProtocol'],
    fromPort: item['fromPort'],
    toPort: item['toPort'],
    description: item['description'],
    ruleId: item['securityGroupRuleId'],
    source: {
      cidrIpv4: text(item['cidrIpv4']),
      cidrIpv6: text(item['cidrIpv6']),
      referencedGroupId: text(referenced['groupId']),
      prefixListId: text(item['prefixListId']),
    },
  });
}

/** What identifies a rule: protocol, ports and source (not its description or id). */
function ruleKey(rule: SecurityGroupRule): string {
  return JSON.stringify([
    rule.ipProtocol,
    rule.fromPort ?? null,
    rule.toPort ?? null,
    rule.cidrIpv4 ?? null,
    rule.cidrIpv6 ?? null,
    rule.referencedGroupId ?? null,
    rule.prefixListId ?? null,
  ]);
}

function compareRules(a: SecurityGroupRule, b: SecurityGroupRule): number {
  // IPv4 ranges, then IPv6 ranges, groups and prefix lists; ports as numbers.
  const source = (rule: SecurityGroupRule): [number, string] =>
    rule.cidrIpv4 !== undefined
      ? [0, rule.cidrIpv4]
      : rule.cidrIpv6 !== undefined
        ? [1, rule.cidrIpv6]
        : rule.referencedGroupId !== undefined
          ? [2, rule.referencedGroupId]
          : [3, rule.prefixListId ?? ''];
  const fields = (rule: SecurityGroupRule): Array<string | number> => [
    rule.ipProtocol,
    rule.fromPort ?? -2,
    rule.toPort ?? -2,
    ...source(rule),
  ];
  const left = fields(a);
  const right = fields(b);
  for (let index = 0; index < left.length; index += 1) {
    const x = left[index] as string | number;
    const y = right[index] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function currentRules(value: unknown): SecurityGroupRule[] {
  return Array.isArray(value) ? (value.map(record) as unknown as SecurityGroupRule[]) : [];
}

export function addRules(
  existing: readonly SecurityGroupRule[],
  added: readonly SecurityGroupRule[],
): SecurityGroupRule[] {
  const byKey = new Map(existing.map((rule) => [ruleKey(rule), rule]));
  for (const rule of added) byKey.set(ruleKey(rule), { ...byKey.get(ruleKey(rule)), ...rule });
  return [...byKey.values()].sort(compareRules);
}

export function removeRules(
  existing: readonly SecurityGroupRule[],
  removed: readonly SecurityGroupRule[],
  ruleIds: readonly string[],
): SecurityGroupRule[] {
  const keys = new Set(removed.map(ruleKey));
  const ids = new Set(ruleIds);
  return existing.filter(
    (rule) =>
      !keys.has(ruleKey(rule)) && !(rule.securityGroupRuleId !== undefined && ids.has(rule.securityGroupRuleId)),
  );
}

function ruleIdsOf(request: Readonly<Record<string, unknown>>): string[] {
  const value = request['securityGroupRuleIds'];
  const list = Array.isArray(value) ? value : items(value);
  return list.flatMap((item) =>
    typeof item === 'string' ? [item] : (text(record(item)['securityGroupRuleId']) ?? []),
  );
}

/** ModifySecurityGroupRules: each rule, named by id, gets new fields. */
function modifyRules(configuration: Configuration, request: Readonly<Record<string, unknown>>): Configuration {
  let out = configuration;
  for (const change of items(request['securityGroupRule'])) {
    const id = text(change['securityGroupRuleId']);
    const fields = record(change['securityGroupRule']);
    for (const direction of ['ingress', 'egress'] as const) {
      const rules = currentRules(out[direction]);
      if (id === undefined || !rules.some((rule) => rule.securityGroupRuleId === id)) continue;
      const replacement = ruleFromResponseItem({
        ...fields,
        securityGroupRuleId: id,
        referencedGroupInfo: { groupId: fields['referencedGroupId'] },
      });
      out = withKey(
        out,
        direction,
        addRules(
          rules.filter((rule) => rule.securityGroupRuleId !== id),
          [replacement],
        ),
      );
    }
  }
  return out;
}

export const reduceSecurityGroup: ConfigurationReducer = (configuration, { api, request, response }) => {
  const match = /^(Authorize|Revoke)SecurityGroup(Ingress|Egress)$/.exec(api);
  if (match) {
    const direction = match[2] === 'Ingress' ? 'ingress' : 'egress';
    const rules = currentRules(configuration[direction]);
    if (match[1] === 'Authorize') {
      const created = items(response['securityGroupRuleSet']).map(ruleFromResponseItem);
      return withKey(
        configuration,
        direction,
        addRules(rules, created.length > 0 ? created : rulesFromRequest(request)),
      );
    }
    return withKey(configuration, direction, removeRules(rules, rulesFromRequest(request), ruleIdsOf(request)));
  }
  if (api === 'CreateSecurityGroup') {
    return withKeys(configuration, {
      groupName: text(request['groupName']),
      description: text(request['groupDescription']),
      vpcId: text(request['vpcId']),
    });
  }
  if (api === 'ModifySecurityGroupRules') return modifyRules(configuration, request);
  return configuration;
};
