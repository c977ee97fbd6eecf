// Lists of the fake Kubernetes API server: `limit` pages of one snapshot chained by `continue`
// tokens (410 Expired once the snapshot's resourceVersion is compacted), `metadata.name` field
// selectors, and items without apiVersion and kind as the real apiserver sends them.
import type { ServerResponse } from 'node:http';
import { json, status, type Target } from './kube-routes.ts';
import { groupVersion, resourceKey, verbsOf, type KubeObject } from './kube-resources.ts';
import type { KubeStore } from './kube-store.ts';

/** Whether an object passes a `metadata.name=<name>` field selector (no selector: every object). */
export function matchesFieldSelector(object: KubeObject, selector: string | undefined): boolean {
  const name = selector ? /^metadata\.name=(.*)$/.exec(selector)?.[1] : undefined;
  return name === undefined || object.metadata['name'] === name;
}

export function serveList(store: KubeStore, target: Target, query: Record<string, string>, res: ServerResponse): void {
  const { resource } = target;
  if (!verbsOf(resource).includes('list'))
    return status(res, 405, 'MethodNotAllowed', `${resource.resource} cannot be listed`);
  const limit = Number(query['limit'] ?? 0);
  let items: KubeObject[];
  let rv: number;
  let start = 0;
  if (query['continue']) {
    const token = JSON.parse(Buffer.from(query['continue'], 'base64url').toString('utf8')) as {
      id: string;
      rv: number;
      start: number;
    };
    const snapshot = token.rv < store.compactedBelow ? undefined : store.snapshot(token.id);
    if (!snapshot)
      return status(
        res,
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. ' +
          'You can start a new list without the continue parameter.',
      );
    ({ rv, start } = token);
    items = snapshot;
  } else {
    rv = store.resourceVersion;
    items = store
      .list(resource, target.namespace)
      .filter((object) => matchesFieldSelector(object, query['fieldSelector']));
  }
  const end = limit > 0 ? Math.min(items.length, start + limit) : items.length;
  let token: string | undefined;
  if (end < items.length) {
    const id = `${resourceKey(resource)}|${target.namespace ?? ''}|${rv}|${query['fieldSelector'] ?? ''}`;
    store.saveSnapshot(id, items);
    token = Buffer.from(JSON.stringify({ id, rv, start: end })).toString('base64url');
  }
  const page = items.slice(start, end).map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
  json(res, 200, {
    kind: `${resource.kind}List`,
    apiVersion: groupVersion(resource),
    metadata: {
      resourceVersion: String(rv),
      ...(token ? { continue: token, remainingItemCount: items.length - end } : {}),
    },
    items: page,
  });
}
