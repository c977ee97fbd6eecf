// The audit Event as the normaliser reads it: its shape, time, status, the object it carries,
// and the commit trailers and subject every record made from it shares. Pure.
import type { Doc, Trailers } from '../../domain/change.ts';
import { isObject, nonEmptyString as str } from '../../domain/json.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';
import type { NoiseRules } from '../../normalise/noise.ts';
import type { Redact } from '../../normalise/redact.ts';
import type { GroupResource } from '../kubernetes-objects/resource-names.ts';

export const SOURCE = 'kubernetes-audit';

export interface KubernetesNormaliseOptions {
  readonly cluster: string;
  readonly redact: Redact;
  /** Key names hashed wherever they appear (lower case). */
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Noise rules for a resource (`apps/deployments`, `core/configmaps`). */
  readonly noiseRules?: (groupResource: string) => NoiseRules;
}

export interface ObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export type AuditEvent = Record<string, unknown> & {
  auditID: string;
  stage: string;
  verb: string;
  objectRef?: ObjectRef;
};

/**
 * The event's time: RFC 3339 MicroTime, also in the `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) form log shippers rewrite it to.
 */
export function eventTime(event: Record<string, unknown>): number | undefined {
  const raw = str(event['stageTimestamp']) ?? str(event['timestamp']) ?? str(event['requestReceivedTimestamp']);
  return raw === undefined ? undefined : parseUtcTimestamp(raw);
}

export function statusCode(event: Record<string, unknown>): number | undefined {
  const status = event['responseStatus'];
  return isObject(status) && typeof status['code'] === 'number' ? status['code'] : undefined;
}

/** An object that describes state (not a Status or a list). */
export function stateObject(value: unknown): Doc | undefined {
  if (!isObject(value)) return undefined;
  const kind = value['kind'];
  if (kind === 'Status' || (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items'])))
    return undefined;
  return isObject(value['metadata']) ? value : undefined;
}

/** The ref's group and resource, in the shape resource-names.ts asks them. */
export function named(ref: ObjectRef): GroupResource {
  return { group: ref.apiGroup, resource: ref.resource };
}

export function trailersFor(event: AuditEvent, cluster: string, extra: Trailers): Trailers {
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

export function describe(ref: ObjectRef, name: string | undefined, namespace: string | undefined): string {
  const what = ref.apiGroup ? `${ref.apiGroup}/${ref.resource}` : `${ref.resource}`;
  const sub = ref.subresource ? `/${ref.subresource}` : '';
  const target = name ? (namespace ? `${namespace}/${name}` : name) : namespace ? `${namespace}/*` : '*';
  return `${what}${sub} ${target}`;
}
