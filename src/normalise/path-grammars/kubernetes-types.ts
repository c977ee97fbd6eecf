// Kubernetes resource types as people type them to kubectl: kind, plural, singular or short
// name (`deploy`, `cm`, `svc`, `crb`) → API group and plural resource, the two path segments.
import { pluralResource } from '../../formats/kubernetes-objects/resource-names.ts';

export interface ResourceType {
  /** API group, `core` for the legacy group (as in repository paths). */
  readonly group: string;
  /** Plural resource name. */
  readonly resource: string;
  /** Lower-case singular, used in resource keys (`deployment`). */
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
}

const T = (
  group: string,
  resource: string,
  singular: string,
  namespaced: boolean,
  ...shortNames: string[]
): ResourceType => ({ group, resource, singular, namespaced, shortNames });

/** The built-in types (kubectl api-resources), plus `crb`/`rb`, which people type anyway. */
export const KNOWN_TYPES: readonly ResourceType[] = [
  T('core', 'bindings', 'binding', true),
  T('core', 'componentstatuses', 'componentstatus', false, 'cs'),
  T('core', 'configmaps', 'configmap', true, 'cm'),
  T('core', 'endpoints', 'endpoints', true, 'ep'),
  T('core', 'events', 'event', true, 'ev'),
  T('core', 'limitranges', 'limitrange', true, 'limits'),
  T('core', 'namespaces', 'namespace', false, 'ns'),
  T('core', 'nodes', 'node', false, 'no'),
  T('core', 'persistentvolumeclaims', 'persistentvolumeclaim', true, 'pvc'),
  T('core', 'persistentvolumes', 'persistentvolume', false, 'pv'),
  T('core', 'pods', 'pod', true, 'po'),
  T('core', 'podtemplates', 'podtemplate', true),
  T('core', 'replicationcontrollers', 'replicationcontroller', true, 'rc'),
  T('core', 'resourcequotas', 'resourcequota', true, 'quota'),
  T('core', 'secrets', 'secret', true),
  T('core', 'serviceaccounts', 'serviceaccount', true, 'sa'),
  T('core', 'services', 'service', true, 'svc'),
  T('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'mutatingwebhookconfiguration', false),
  T('admissionregistration.k8s.io', 'validatingwebhookconfigurations', 'validatingwebhookconfiguration', false),
  T('admissionregistration.k8s.io', 'validatingadmissionpolicies', 'validatingadmissionpolicy', false),
  T('admissionregistration.k8s.io', 'validatingadmissionpolicybindings', 'validatingadmissionpolicybinding', false),
  T('apiextensions.k8s.io', 'customresourcedefinitions', 'customresourcedefinition', false, 'crd', 'crds'),
  T('apiregistration.k8s.io', 'apiservices', 'apiservice', false),
  T('apps', 'controllerrevisions', 'controllerrevision', true),
  T('apps', 'daemonsets', 'daemonset', true, 'ds'),
  T('apps', 'deployments', 'deployment', true, 'deploy'),
  T('apps', 'replicasets', 'replicaset', true, 'rs'),
  T('apps', 'statefulsets', 'statefulset', true, 'sts'),
  T('autoscaling', 'horizontalpodautoscalers', 'horizontalpodautoscaler', true, 'hpa'),
  T('batch', 'cronjobs', 'cronjob', true, 'cj'),
  T('batch', 'jobs', 'job', true),
  T('certificates.k8s.io', 'certificatesigningrequests', 'certificatesigningrequest', false, 'csr'),
  T('coordination.k8s.io', 'leases', 'lease', true),
  T('discovery.k8s.io', 'endpointslices', 'endpointslice', true),
  T('events.k8s.io', 'events', 'event.events.k8s.io', true),
  T('networking.k8s.io', 'ingressclasses', 'ingressclass', false),
  T('networking.k8s.io', 'ingresses', 'ingress', true, 'ing'),
  T('networking.k8s.io', 'networkpolicies', 'networkpolicy', true, 'netpol'),
  T('node.k8s.io', 'runtimeclasses', 'runtimeclass', false),
  T('policy', 'poddisruptionbudgets', 'poddisruptionbudget', true, 'pdb'),
  T('rbac.authorization.k8s.io', 'clusterrolebindings', 'clusterrolebinding', false, 'crb'),
  T('rbac.authorization.k8s.io', 'clusterroles', 'clusterrole', false),
  T('rbac.authorization.k8s.io', 'rolebindings', 'rolebinding', true, 'rb'),
  T('rbac.authorization.k8s.io', 'roles', 'role', true),
  T('scheduling.k8s.io', 'priorityclasses', 'priorityclass', false, 'pc'),
  T('storage.k8s.io', 'csidrivers', 'csidriver', false),
  T('storage.k8s.io', 'csinodes', 'csinode', false),
  T('storage.k8s.io', 'storageclasses', 'storageclass', false, 'sc'),
  T('storage.k8s.io', 'volumeattachments', 'volumeattachment', false),
];

function buildAliases(): Map<string, ResourceType> {
  const aliases = new Map<string, ResourceType>();
  // core and events.k8s.io both serve `events`; the bare word means core, as in kubectl.
  for (const type of [...KNOWN_TYPES].reverse()) {
    for (const name of [
      type.resource,
      type.singular,
      ...type.shortNames,
      `${type.resource}.${type.group}`,
      `${type.singular}.${type.group}`,
    ]) {
      aliases.set(name, type);
    }
  }
  return aliases;
}

const ALIASES: ReadonlyMap<string, ResourceType> = buildAliases();

/** What a typed resource type names: a known type, or a guess (group unknown unless given). */
export type TypeLookup =
  | { readonly known: true; readonly type: ResourceType }
  | { readonly known: false; readonly resource: string; readonly group: string | null };

/**
 * Looks a typed type up: `deploy`, `Deployment`, `deployments.apps`, `widgets.example.com`.
 * Unknown kinds are pluralised by the English rules; their group is the part after the first dot.
 */
export function lookupType(typed: string): TypeLookup {
  const lower = typed.toLowerCase();
  const known = ALIASES.get(lower);
  if (known) return { known: true, type: known };
  const dot = lower.indexOf('.');
  const name = dot === -1 ? lower : lower.slice(0, dot);
  const group = dot === -1 ? null : lower.slice(dot + 1);
  const resource = name.endsWith('s') ? name : pluralResource(name);
  return { known: false, resource, group };
}

/** The key word for a path's type: the known singular, else `<resource>.<group>` (`<resource>` for core). */
export function typeWord(group: string, resource: string): string {
  const known = KNOWN_TYPES.find((type) => type.group === group && type.resource === resource);
  if (known) return known.singular;
  return group === 'core' ? resource : `${resource}.${group}`;
}

/** Reverses typeWord: the group and resource a key's type word stands for. */
export function typeFromWord(word: string): { group: string; resource: string } | null {
  const known = KNOWN_TYPES.find((type) => type.singular === word);
  if (known) return { group: known.group, resource: known.resource };
  if (!/^[a-z0-9-]+(\.[a-z0-9.-]+)?$/.test(word)) return null;
  const dot = word.indexOf('.');
  return dot === -1 ? { group: 'core', resource: word } : { group: word.slice(dot + 1), resource: word.slice(0, dot) };
}
