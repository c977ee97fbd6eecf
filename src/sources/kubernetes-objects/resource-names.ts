// Kind → plural resource name for objects read without discovery (dumps, `kubectl get -o yaml`).
// Discovery is authoritative (issue 4); this table and the English rules cover the rest.

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
  const known = KNOWN[kind];
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
