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
import { serveList } from './kube-list.ts';
import { DEFAULT_RESOURCES, groupVersion, type FakeResource, type KubeObject } from './kube-resources.ts';
import { KubeStore, mergePatch } from './kube-store.ts';
import { serveWatch, type OpenWatch } from './kube-watch.ts';

export { DEFAULT_RESOURCES, type FakeResource, type KubeObject } from './kube-resources.ts';

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
      return watch ? this.#watch(target, query, res) : serveList(this.store, target, query, res);
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

  #watch(target: Target, query: Record<string, string>, res: ServerResponse): void {
    serveWatch(this.store, target, query, res, {
      expiredMode: this.expiredMode,
      closeAfterMs: this.closeWatchesAfterMs,
      opened: (open) => {
        this.#watches.add(open);
        this.#watchesStarted += 1;
        for (const waiter of this.#waiters.splice(0)) {
          if (this.#watchesStarted >= waiter.count) waiter.resolve();
          else this.#waiters.push(waiter);
        }
      },
      closed: (open) => this.#watches.delete(open),
    });
  }
}
