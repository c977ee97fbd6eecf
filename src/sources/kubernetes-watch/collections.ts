// Which collections a cluster source lists and watches: every recorded resource type (per
// namespace when the namespaces are named, else across all), plus core/v1 Events for the
// activity branch; and the repository folder a collection's complete list accounts for.
import {
  acrossNamespaces,
  kubernetesFolder,
  parseKubernetesPath,
} from '../../formats/kubernetes-objects/repository-path.ts';
import type { KubernetesWatchConfig } from './config.ts';
import type { Collection } from './reflector.ts';
import { groupResourceOf } from '../../formats/kubernetes-objects/resource-names.ts';
import { namespacePlan, resourceFilter, type ResourceType } from './resource-filter.ts';

export interface PlannedCollection extends Collection {
  readonly key: string;
  /** `state` objects go to main; `events` are Kubernetes Events for the activity branch. */
  readonly role: 'state' | 'events';
}

export interface ReconcileScope {
  readonly prefix: string;
  /** An SQLite GLOB the files under `prefix` must also match (the type's files across namespaces). */
  readonly glob?: string;
  readonly type: ResourceType;
  readonly includes: (path: string) => boolean;
}

export function isCoreEvents(type: Pick<ResourceType, 'group' | 'version' | 'resource'>): boolean {
  return type.group === '' && type.version === 'v1' && type.resource === 'events';
}

export function planCollections(
  types: readonly ResourceType[],
  config: Pick<KubernetesWatchConfig, 'resources' | 'namespaces' | 'events'>,
): PlannedCollection[] {
  const wanted = resourceFilter(config.resources);
  const { watchEach } = namespacePlan(config.namespaces);
  const out: PlannedCollection[] = [];
  const add = (type: ResourceType, role: PlannedCollection['role']): void => {
    const namespaces: ReadonlyArray<string | undefined> = type.namespaced && watchEach ? watchEach : [undefined];
    for (const namespace of namespaces) {
      out.push({
        key: `${role}|${groupResourceOf(type)}|${namespace ?? '*'}`,
        role,
        type,
        ...(namespace !== undefined ? { namespace } : {}),
      });
    }
  };
  for (const type of types) {
    if (wanted(type)) add(type, 'state');
    if (config.events.enabled && isCoreEvents(type)) add(type, 'events');
  }
  return out;
}

/** The folder whose live files a complete list of `collection` must show, and how to tell its files apart. */
export function reconcileScope(
  cluster: string,
  collection: Collection,
  includesNamespace: (namespace: string) => boolean,
): ReconcileScope {
  const { type, namespace } = collection;
  if (!type.namespaced || namespace !== undefined) {
    return {
      prefix: kubernetesFolder({ cluster, namespace, group: type.group, resource: type.resource }),
      type,
      includes: () => true,
    };
  }
  // Across all namespaces: the files of this type (found by the glob) in every included namespace.
  return {
    ...acrossNamespaces(cluster, type),
    type,
    includes: (path) => {
      const parsed = parseKubernetesPath(path);
      return (
        parsed?.namespace !== undefined &&
        parsed.group === type.group &&
        parsed.resource === type.resource &&
        includesNamespace(parsed.namespace)
      );
    },
  };
}
