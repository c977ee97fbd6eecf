// One Azure Monitor diagnostic record of an AKS cluster (resource logs: an Event Hub message's `records[]` item
// or a line of a storage account's PT1H.json blob) → one audit.k8s.io/v1 Event, so the Kubernetes audit normaliser
// writes the same commits the webhook would. Records of other categories (kube-apiserver, guard, …) are skipped.
// https://learn.microsoft.com/azure/aks/monitor-aks-reference#resource-logs
import { isObject, nonEmptyString as str } from '../../domain/json.ts';

/** The diagnostic-setting categories whose `properties.log` is one audit event. */
export const AUDIT_CATEGORIES: ReadonlySet<string> = new Set(['kube-audit', 'kube-audit-admin']);

/** What AKS writes instead of a request or response body (or a whole event) too big to export. */
export const TOO_BIG = 'skipped-too-big-size-object';

export type DiagnosticRecordResult =
  /** `cluster` is the name in the resource id, as Azure Monitor spelled it (upper case). */
  | { readonly kind: 'event'; readonly event: Record<string, unknown>; readonly cluster: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string };

const MANAGED_CLUSTER = /\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)\/?$/i;

/**
 * The cluster name in an AKS resource id. Azure Monitor writes resource ids upper-cased
 * (`/SUBSCRIPTIONS/…/MANAGEDCLUSTERS/PROD`), so the name is compared without regard to case.
 */
export function clusterOfResourceId(resourceId: string): string | undefined {
  return MANAGED_CLUSTER.exec(resourceId)?.[1];
}

/** A diagnostic record of an AKS cluster, of any category (the classifier's test). */
export function isAksDiagnosticRecord(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value['category'] === 'string' &&
    isObject(value['properties']) &&
    typeof value['resourceId'] === 'string' &&
    clusterOfResourceId(value['resourceId']) !== undefined
  );
}

/** Names the record in problems: its category and time, the way the Azure portal lists it. */
function nameOf(record: Record<string, unknown>): string {
  const time = str(record['time']);
  return `${str(record['category']) ?? 'diagnostic'} record${time === undefined ? '' : ` of ${time}`}`;
}

/**
 * A body AKS dropped as too big is removed, and the event's level says what is left: the normaliser then
 * treats it as it treats a Metadata-level (or Request-level) event of the webhook, never as a state.
 */
function withoutDroppedBodies(event: Record<string, unknown>): Record<string, unknown> {
  const dropped = ['requestObject', 'responseObject'].filter((key) => event[key] === TOO_BIG);
  if (dropped.length === 0) return event;
  const rest = { ...event };
  for (const key of dropped) delete rest[key];
  if (rest['requestObject'] === undefined && rest['responseObject'] === undefined) rest['level'] = 'Metadata';
  else if (rest['responseObject'] === undefined && rest['level'] === 'RequestResponse') rest['level'] = 'Request';
  return rest;
}

export interface DiagnosticRecordOptions {
  /** The cluster named in paths (`--cluster`): a record of another cluster is refused, never renamed. */
  readonly cluster: string;
}

export function parseDiagnosticRecord(input: unknown, options: DiagnosticRecordOptions): DiagnosticRecordResult {
  if (!isObject(input)) return { kind: 'refused', reason: 'a diagnostic record must be a JSON object' };
  const name = nameOf(input);
  const refuse = (reason: string): DiagnosticRecordResult => ({ kind: 'refused', reason: `${name}: ${reason}` });
  const category = str(input['category']);
  if (category === undefined) return refuse('category is missing');
  if (!AUDIT_CATEGORIES.has(category))
    return { kind: 'skipped', reason: `category ${category} is not kube-audit or kube-audit-admin` };
  const resourceId = str(input['resourceId']);
  if (resourceId === undefined) return refuse('resourceId is missing');
  const cluster = clusterOfResourceId(resourceId);
  if (cluster === undefined) return refuse(`resourceId ${resourceId} is not an AKS managed cluster`);
  if (cluster.toLowerCase() !== options.cluster.toLowerCase())
    return refuse(
      `resourceId names cluster ${cluster}, not the cluster named in paths (${options.cluster}); ` +
        "ingest each cluster's records with --cluster <name>",
    );
  const properties = isObject(input['properties']) ? input['properties'] : {};
  const log = properties['log'];
  if (typeof log !== 'string' || log.trim() === '') return refuse('properties.log is missing');
  if (log.trim() === TOO_BIG)
    return refuse('AKS dropped this audit event as too big to export (log is "skipped-too-big-size-object")');
  let event: unknown;
  try {
    event = JSON.parse(log);
  } catch (error) {
    return refuse(`properties.log is not JSON (${(error as Error).message})`);
  }
  if (!isObject(event) || typeof event['auditID'] !== 'string')
    return refuse('properties.log is not an audit.k8s.io Event (no auditID)');
  return { kind: 'event', event: withoutDroppedBodies(event), cluster };
}
