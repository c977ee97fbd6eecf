// Which discovered resources and which namespaces are recorded: `<group>/<resource>` globs
// (group `core` for the legacy group) and namespace globs, with the churn defaults.
import picomatch from 'picomatch';
import { groupResourceOf } from '../../formats/kubernetes-objects/resource-names.ts';
import { CHURN_RESOURCES, type KubernetesWatchConfig } from './config.ts';

export interface ResourceType {
  /** API group, '' for the legacy core group. */
  readonly group: string;
  readonly version: string;
  /** Plural resource name, as in RBAC rules and paths. */
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

const matcher = (patterns: readonly string[]): ((text: string) => boolean) =>
  patterns.length === 0 ? () => false : picomatch([...patterns], { dot: true });

export function resourceFilter(
  config: KubernetesWatchConfig['resources'],
): (type: Pick<ResourceType, 'group' | 'resource'>) => boolean {
  const exclude = [...config.exclude, ...(config.excludeChurn ? CHURN_RESOURCES : [])];
  if (!config.pods) exclude.push('core/pods');
  if (!config.replicaSets) exclude.push('apps/replicasets');
  const included = matcher(config.include);
  const excluded = matcher(exclude);
  return (type) => {
    const name = groupResourceOf(type);
    return included(name) && !excluded(name);
  };
}

export interface NamespacePlan {
  /** Whether objects in this namespace are recorded. */
  readonly includes: (namespace: string) => boolean;
  /**
   * Namespaces to watch one by one, when the include list names them literally (then only
   * namespace-level RBAC is needed); undefined: watch all namespaces and filter here.
   */
  readonly watchEach: readonly string[] | undefined;
}

export function namespacePlan(config: KubernetesWatchConfig['namespaces']): NamespacePlan {
  const included = matcher(config.include);
  const excluded = matcher(config.exclude);
  const includes = (namespace: string): boolean => included(namespace) && !excluded(namespace);
  const literal = config.include.every((pattern) => !picomatch.scan(pattern).isGlob);
  return { includes, watchEach: literal ? config.include.filter(includes) : undefined };
}
