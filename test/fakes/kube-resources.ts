// The resources the fake Kubernetes API server serves (a FakeResource per discovery entry,
// subresources included) and how their names read: group/version, verbs, store keys.

export interface FakeResource {
  readonly group: string;
  readonly version: string;
  /** Plural resource name; a name with `/` is a subresource (listed by discovery only). */
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs?: readonly string[];
  readonly shortNames?: readonly string[];
}

export type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const DEFAULT_RESOURCES: readonly FakeResource[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', resource: 'pods/log', kind: 'Pod', namespaced: true, verbs: ['get'] },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', namespaced: true },
  {
    group: '',
    version: 'v1',
    resource: 'componentstatuses',
    kind: 'ComponentStatus',
    namespaced: false,
    verbs: ['get', 'list'],
  },
  { group: '', version: 'v1', resource: 'bindings', kind: 'Binding', namespaced: true, verbs: ['create'] },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments/status',
    kind: 'Deployment',
    namespaced: true,
    verbs: ['get', 'patch', 'update'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments/scale',
    kind: 'Scale',
    namespaced: true,
    verbs: ['get', 'patch', 'update'],
  },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
  },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
  { group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resource: 'subjectaccessreviews',
    kind: 'SubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
  {
    group: 'autoscaling',
    version: 'v1',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
  { group: 'example.com', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true },
];

export function verbsOf(resource: FakeResource): readonly string[] {
  return resource.verbs ?? ALL_VERBS;
}

export function groupVersion(resource: FakeResource): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

export function resourceKey(resource: FakeResource): string {
  return `${resource.group}/${resource.resource}`;
}
