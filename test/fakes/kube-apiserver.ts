// A protocol-faithful fake Kubernetes API server on 127.0.0.1 for tests (protocols.md §2.3):
// discovery, paginated lists with `continue` tokens, chunked NDJSON watches with
// resourceVersion semantics, 410 after compaction (as an ERROR event or an HTTP status),
// bookmarks, injected 500s and closed streams; enough CRUD for kubectl apply/edit/delete.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createObject,
  deleteObject,
  discoveryDocument,
  discoveryGroups,
  getObject,
  json,
  parseTarget,
  patchObject,
  readBody,
  replaceObject,
  status,
  type Target,
} from './kube-routes.ts';
import {
  DEFAULT_RESOURCES,
  groupVersion,
  KubeStore,
  mergePatch,
  resourceKey,
  verbsOf,
  type ChangeEntry,
  type FakeResource,
  type KubeObject,
} from './kube-store.ts';

export { DEFAULT_RESOURCES, type FakeResource, type KubeObject } from './kube-store.ts';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
}

export interface FakeKubeOptions {
  readonly resources?: readonly FakeResource[];
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly now?: () => number;
}

interface Failure {
  remaining: number;
  readonly match: (request: {
    method: string;
    watch: boolean;
    path: string;
    query: Readonly<Record<string, string>>;
  }) => boolean;
}

interface OpenWatch {
  readonly res: ServerResponse;
  readonly resource: FakeResource;
  readonly bookmarks: boolean;
}

export class FakeKubeApiServer {
  readonly store: KubeStore;
  readonly requests: RecordedRequest[] = [];
  /** How a watch below the compaction floor is refused: a 200 with an ERROR event, or HTTP 410. */
  expiredMode: 'event' | 'http' = 'event';
  /** Ends every watch stream this many ms after it starts (0: never). */
  closeWatchesAfterMs = 0;
  /** Runs before each request is served (tests use it to change state between list pages). */
  beforeRequest: ((request: RecordedRequest) => void) | undefined;
  readonly #server: Server;
  readonly #options: FakeKubeOptions;
  readonly #watches = new Set<OpenWatch>();
  readonly #failures: Failure[] = [];
  readonly #waiters: Array<{ count: number; resolve: () => void }> = [];
  #watchesStarted = 0;

  private constructor(server: Server, options: FakeKubeOptions) {
    this.#server = server;
    this.#options = options;
    this.store = new KubeStore(options.resources ?? DEFAULT_RESOURCES, options.now ?? Date.now);
  }

  static async start(options: FakeKubeOptions = {}): Promise<FakeKubeApiServer> {
    let fake: FakeKubeApiServer | undefined;
    const server = createServer((req, res) => {
      (fake as FakeKubeApiServer)
        .#handle(req, res)
        .catch((error: unknown) => status(res, 500, 'InternalError', String(error)));
    });
    fake = new FakeKubeApiServer(server, options);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get openWatches(): number {
    return this.#watches.size;
  }

  /** How many watch streams have been opened so far (200 responses). */
  get watchesStarted(): number {
    return this.#watchesStarted;
  }

  /** Resolves once `count` watch streams have been opened in total. */
  waitForWatchesStarted(count: number): Promise<void> {
    if (this.#watchesStarted >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** The next `count` requests matching `match` get HTTP 500. */
  failRequests(count: number, match: Failure['match'] = () => true): void {
    this.#failures.push({ remaining: count, match });
  }

  clearFailures(): void {
    this.#failures.length = 0;
  }

  /** Ends every open watch stream, as an apiserver restart or a dropped connection would. */
  closeWatches(): number {
    const count = this.#watches.size;
    for (const watch of this.#watches) watch.res.end();
    this.#watches.clear();
    return count;
  }

  sendBookmarks(): void {
    for (const watch of this.#watches) {
      if (!watch.bookmarks) continue;
      const object = {
        kind: watch.resource.kind,
        apiVersion: groupVersion(watch.resource),
        metadata: { resourceVersion: String(this.store.resourceVersion) },
      };
      watch.res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
    }
  }

  #resource(apiVersion: string, kind: string): FakeResource {
    const resource = this.store.findByKind(apiVersion, kind);
    if (!resource) throw new Error(`the fake API server serves no ${apiVersion} ${kind}`);
    return resource;
  }

  create(object: KubeObject, manager: string | null = 'test-client'): KubeObject {
    const resource = this.#resource(String(object['apiVersion']), String(object['kind']));
    const created = this.store.create(resource, String(object.metadata['namespace'] ?? ''), object, manager);
    if (created === 'exists') throw new Error(`${object['kind']} ${String(object.metadata['name'])} exists`);
    return created;
  }

  /** Merge-patches an object as `manager` would. */
  patch(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
    patch: Record<string, unknown>,
    manager: string | null = 'test-client',
  ): KubeObject {
    const resource = this.#resource(apiVersion, kind);
    const current = this.store.get(resource, namespace, name);
    if (!current) throw new Error(`${kind} ${namespace}/${name} does not exist`);
    return this.store.update(
      resource,
      namespace,
      name,
      mergePatch(current, patch) as KubeObject,
      manager,
    ) as KubeObject;
  }

  /**
   * Merge-patches an object through its `status` subresource as a controller does: the entry
   * it leaves in managedFields says `subresource: status` (the patch may touch metadata too,
   * as the deployment controller's revision annotation).
   */
  patchStatus(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
    patch: Record<string, unknown>,
    manager: string,
  ): KubeObject {
    const resource = this.#resource(apiVersion, kind);
    const current = this.store.get(resource, namespace, name);
    if (!current) throw new Error(`${kind} ${namespace}/${name} does not exist`);
    const next = mergePatch(current, patch) as KubeObject;
    return this.store.update(resource, namespace, name, next, manager, 'Update', 'status') as KubeObject;
  }

  remove(apiVersion: string, kind: string, namespace: string, name: string): KubeObject {
    const deleted = this.store.delete(this.#resource(apiVersion, kind), namespace, name);
    if (deleted === 'missing') throw new Error(`${kind} ${namespace}/${name} does not exist`);
    return deleted;
  }

  get(apiVersion: string, kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(this.#resource(apiVersion, kind), namespace, name);
  }

  async close(): Promise<void> {
    this.closeWatches();
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query,
      authorization: req.headers.authorization,
    };
    this.requests.push(recorded);
    this.beforeRequest?.(recorded);
    if (this.#options.token && req.headers.authorization !== `Bearer ${this.#options.token}`) {
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const watch = query['watch'] === 'true' || query['watch'] === '1';
    const failure = this.#failures.find(
      (f) => f.remaining > 0 && f.match({ method: req.method ?? 'GET', watch, path, query }),
    );
    if (failure) {
      failure.remaining -= 1;
      return status(res, 500, 'InternalError', 'Internal error occurred: injected failure');
    }
    if (path === '/version')
      return json(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-fake', platform: 'linux/amd64' });
    if (path === '/api')
      return json(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
      });
    if (path === '/apis')
      return json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: discoveryGroups(this.store) });
    const discovery = discoveryDocument(this.store, path);
    if (discovery) return json(res, 200, discovery);
    const target = parseTarget(this.store, path);
    if (!target) return status(res, 404, 'NotFound', `the server could not find the requested resource (${path})`);
    const method = req.method ?? 'GET';
    if (method === 'GET' && target.name === undefined)
      return watch ? this.#watch(target, query, res) : this.#list(target, query, res);
    if (method === 'GET') return getObject(this.store, target, res);
    if (String(req.headers['content-type'] ?? '').includes('protobuf'))
      return status(res, 415, 'UnsupportedMediaType', 'the fake API server speaks JSON only');
    const body = method === 'DELETE' ? '' : await readBody(req);
    const manager = query['fieldManager'] ?? (req.headers['user-agent'] ?? 'unknown').split('/')[0] ?? 'unknown';
    if (method === 'POST') return createObject(this.store, target, body, manager, res);
    if (method === 'PUT') return replaceObject(this.store, target, body, manager, res);
    if (method === 'PATCH')
      return patchObject(this.store, target, body, String(req.headers['content-type'] ?? ''), manager, res);
    if (method === 'DELETE') return deleteObject(this.store, target, res);
    return status(res, 405, 'MethodNotAllowed', `${method} is not supported`);
  }

  #matchesField(object: KubeObject, selector: string | undefined): boolean {
    const name = selector ? /^metadata\.name=(.*)$/.exec(selector)?.[1] : undefined;
    return name === undefined || object.metadata['name'] === name;
  }

  #list(target: Target, query: Record<string, string>, res: ServerResponse): void {
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
      const snapshot = token.rv < this.store.compactedBelow ? undefined : this.store.snapshot(token.id);
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
      rv = this.store.resourceVersion;
      items = this.store
        .list(resource, target.namespace)
        .filter((object) => this.#matchesField(object, query['fieldSelector']));
    }
    const end = limit > 0 ? Math.min(items.length, start + limit) : items.length;
    let token: string | undefined;
    if (end < items.length) {
      const id = `${resourceKey(resource)}|${target.namespace ?? ''}|${rv}|${query['fieldSelector'] ?? ''}`;
      this.store.saveSnapshot(id, items);
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

  #watch(target: Target, query: Record<string, string>, res: ServerResponse): void {
    const { resource, namespace } = target;
    if (!verbsOf(resource).includes('watch'))
      return status(res, 405, 'MethodNotAllowed', `${resource.resource} cannot be watched`);
    const requested = query['resourceVersion'];
    const from = requested === undefined || requested === '' || requested === '0' ? null : Number(requested);
    if (from !== null && from < this.store.compactedBelow) {
      const message = `too old resource version: ${from} (${this.store.compactedBelow})`;
      if (this.expiredMode === 'http') return status(res, 410, 'Expired', message);
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
      if (this.#matchesField(object, query['fieldSelector'])) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const initial: Array<Pick<ChangeEntry, 'type' | 'object'>> =
      from === null
        ? this.store.list(resource, namespace).map((object) => ({ type: 'ADDED', object }))
        : this.store.changesAfter(resource, from, namespace);
    for (const entry of initial) send(entry.type, entry.object);
    const key = resourceKey(resource);
    const unsubscribe = this.store.onChange((entry) => {
      if (entry.resourceKey === key && (namespace === undefined || entry.namespace === namespace))
        send(entry.type, entry.object);
    });
    const open: OpenWatch = { res, resource, bookmarks: query['allowWatchBookmarks'] === 'true' };
    this.#watches.add(open);
    const timers: NodeJS.Timeout[] = [];
    const timeoutSeconds = Number(query['timeoutSeconds'] ?? 0);
    if (timeoutSeconds > 0) timers.push(setTimeout(() => res.end(), timeoutSeconds * 1000));
    if (this.closeWatchesAfterMs > 0) timers.push(setTimeout(() => res.end(), this.closeWatchesAfterMs));
    res.on('close', () => {
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
      this.#watches.delete(open);
    });
    this.#watchesStarted += 1;
    for (const waiter of this.#waiters.splice(0)) {
      if (this.#watchesStarted >= waiter.count) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }
}
