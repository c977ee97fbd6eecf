// Kind → plural resource name for objects read without discovery (dumps, `kubectl get -o yaml`).
// Discovery is authoritative (issue 4); this table and the English rules cover the rest.
// Also what every Kubernetes source asks of a group and resource: its `<group>/<resource>`
// key, whether it is a core Secret, whether a reference to it names a cluster-scoped object.

import { ownEntry } from '../../domain/json.ts';

const KNOWN: Readonly<Record<string, string>> = {
  Endpoints: 'endpoints',
  EndpointSlice: 'endpointslices',
  Ingress: 'ingresses',
  IngressClass: 'ingressclasses',
  NetworkPolicy: 'networkpolicies',
  PodSecurityPolicy: 'podsecuritypolicies',
  StorageClass: 'storageclasses',
  PriorityClass: 'priorityclasses',
  RuntimeClass: 'runtimeclasses',
  ResourceQuota: 'resourcequotas',
  ComponentStatus: 'componentstatuses',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  CustomResourceDefinition: 'customresourcedefinitions',
};

export function pluralResource(kind: string): string {
  const known = ownEntry(KNOWN, kind);
  if (known) return known;
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** An API group ('' or absent: the legacy core group) and a plural resource name. */
export interface GroupResource {
  readonly group?: string | undefined;
  readonly resource?: string | undefined;
}

/** `<group>/<resource>`, group `core` for the legacy group: the key of noise rules and resource globs. */
export function groupResourceOf({ group, resource }: GroupResource & { readonly resource: string }): string {
  return `${group || 'core'}/${resource}`;
}

/** core/v1 Secrets, whose values are never recorded in clear. */
export function isCoreSecret({ group, resource }: GroupResource): boolean {
  return !group && resource === 'secrets';
}

/**
 * A Namespace names itself as its namespace (audit objectRef, admission request), yet Namespaces are cluster-scoped.
 */
export function isClusterScopedRef({ group, resource }: GroupResource): boolean {
  return !group && resource === 'namespaces';
}
