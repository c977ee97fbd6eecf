// What a reflector reports, queued as sightings: list items and watch events of the watched
// namespaces become objects, deletions and Events; a complete list of state also queues the
// reconcile that finds what was deleted meanwhile.
import type { PlannedCollection } from './collections.ts';
import type { DelayQueue } from './delay-queue.ts';
import { identify } from './observe.ts';
import type { KubeObject, WatchEventType } from './reflector.ts';
import type { Sighting } from './sightings.ts';

export interface SightingQueue {
  readonly cluster: string;
  readonly queue: DelayQueue<Sighting>;
  readonly now: () => number;
  readonly includesNamespace: (namespace: string) => boolean;
  /** The last journal sequence the repository holds (deletions are judged against it). */
  readonly recordedUpTo: () => number;
}

/** Whether an object of a collection lies in the watched namespaces (a one-namespace collection always does). */
export function isInNamespaces(
  collection: PlannedCollection,
  object: KubeObject,
  includesNamespace: (namespace: string) => boolean,
): boolean {
  if (!collection.type.namespaced || collection.namespace !== undefined) return true;
  const metadata = object['metadata'] as Record<string, unknown> | undefined;
  return includesNamespace(String(metadata?.['namespace'] ?? ''));
}

/** Queues every item of a complete list, then (for state collections) the reconcile of the list. */
export function queueListed(
  target: SightingQueue,
  collection: PlannedCollection,
  items: readonly KubeObject[],
  version: string,
): void {
  const { queue, cluster, includesNamespace } = target;
  const at = target.now();
  const recordedUpTo = target.recordedUpTo();
  const present = new Set<string>();
  for (const object of items) {
    if (collection.role === 'events') {
      if (isInNamespaces(collection, object, includesNamespace)) queue.push({ kind: 'event', object, at }, at);
      continue;
    }
    const id = identify(cluster, collection.type, object);
    if (!id || !isInNamespaces(collection, object, includesNamespace)) continue;
    present.add(id.path);
    queue.push({ kind: 'object', collection, object, id, seen: { via: 'list', recordedUpTo }, at }, at);
  }
  if (collection.role === 'state') {
    const list = { present, resourceVersion: version, at, recordedUpTo };
    queue.push({ kind: 'reconcile', collection, list, at }, at);
  }
}

/** Queues one watch event (a deleted Kubernetes Event is not a change). */
export function queueEvent(
  target: SightingQueue,
  collection: PlannedCollection,
  type: WatchEventType,
  object: KubeObject,
): void {
  const { queue } = target;
  const at = target.now();
  if (!isInNamespaces(collection, object, target.includesNamespace)) return;
  if (collection.role === 'events') {
    if (type !== 'DELETED') queue.push({ kind: 'event', object, at }, at);
    return;
  }
  const id = identify(target.cluster, collection.type, object);
  if (type === 'DELETED') queue.push({ kind: 'deleted', collection, id, at }, at);
  else queue.push({ kind: 'object', collection, object, id, seen: { via: 'watch' }, at }, at);
}
