// Watches of the fake Kubernetes API server: a chunked NDJSON stream of ADDED/MODIFIED/DELETED
// from a resourceVersion (or the current state), 410 below the compaction floor (an ERROR event
// or an HTTP status), `timeoutSeconds`, and the stream's end when the test closes it.
import type { ServerResponse } from 'node:http';
import { matchesFieldSelector } from './kube-list.ts';
import { status, type Target } from './kube-routes.ts';
import { resourceKey, verbsOf, type FakeResource, type KubeObject } from './kube-resources.ts';
import type { ChangeEntry, KubeStore } from './kube-store.ts';

export interface OpenWatch {
  readonly res: ServerResponse;
  readonly resource: FakeResource;
  readonly bookmarks: boolean;
}

export interface WatchSettings {
  /** How a watch below the compaction floor is refused: a 200 with an ERROR event, or HTTP 410. */
  readonly expiredMode: 'event' | 'http';
  /** Ends the stream this many ms after it starts (0: never). */
  readonly closeAfterMs: number;
  /** Told of the stream once it is open, and when it has closed. */
  readonly opened: (watch: OpenWatch) => void;
  readonly closed: (watch: OpenWatch) => void;
}

export function serveWatch(
  store: KubeStore,
  target: Target,
  query: Record<string, string>,
  res: ServerResponse,
  settings: WatchSettings,
): void {
  const { resource, namespace } = target;
  if (!verbsOf(resource).includes('watch'))
    return status(res, 405, 'MethodNotAllowed', `${resource.resource} cannot be watched`);
  const requested = query['resourceVersion'];
  const from = requested === undefined || requested === '' || requested === '0' ? null : Number(requested);
  if (from !== null && from < store.compactedBelow) {
    const message = `too old resource version: ${from} (${store.compactedBelow})`;
    if (settings.expiredMode === 'http') return status(res, 410, 'Expired', message);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      `${JSON.stringify({
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message,
          reason: 'Expired',
          code: 410,
        },
      })}\n`,
    );
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (type: string, object: KubeObject): void => {
    // A stream ended by closeWatches() stays subscribed until its 'close' event.
    if (res.writableEnded) return;
    if (matchesFieldSelector(object, query['fieldSelector'])) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const initial: Array<Pick<ChangeEntry, 'type' | 'object'>> =
    from === null
      ? store.list(resource, namespace).map((object) => ({ type: 'ADDED', object }))
      : store.changesAfter(resource, from, namespace);
  for (const entry of initial) send(entry.type, entry.object);
  const key = resourceKey(resource);
  const unsubscribe = store.onChange((entry) => {
    if (entry.resourceKey === key && (namespace === undefined || entry.namespace === namespace))
      send(entry.type, entry.object);
  });
  const open: OpenWatch = { res, resource, bookmarks: query['allowWatchBookmarks'] === 'true' };
  const timers: NodeJS.Timeout[] = [];
  const timeoutSeconds = Number(query['timeoutSeconds'] ?? 0);
  if (timeoutSeconds > 0) timers.push(setTimeout(() => res.end(), timeoutSeconds * 1000));
  if (settings.closeAfterMs > 0) timers.push(setTimeout(() => res.end(), settings.closeAfterMs));
  res.on('close', () => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
    settings.closed(open);
  });
  settings.opened(open);
}
