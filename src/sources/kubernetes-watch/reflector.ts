// List-then-watch of one collection (a resource, in all namespaces or one), restarted on
// every kind of failure with backoff: client-node's informer stops for good on ordinary
// errors (protocols.md §2.4). A 410 re-lists; a resync request re-lists between watches, so
// list results and watch events of one collection never interleave.
import type { Logger } from 'pino';
import { isObject } from '../../domain/json.ts';
import { Backoff, sleep, type BackoffOptions } from '../runtime/backoff.ts';
import { KubernetesApiError, type KubeApi } from './api-client.ts';
import { groupResourceOf } from '../../formats/kubernetes-objects/resource-names.ts';
import { apiVersionOf, type ResourceType } from './resource-filter.ts';

export interface Collection {
  readonly type: ResourceType;
  /** One namespace, or every namespace when undefined. */
  readonly namespace?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type KubeObject = Record<string, unknown>;

export interface ReflectorHandlers {
  /** Every item of a complete list (apiVersion and kind filled in) and the list's resourceVersion. */
  listed(items: KubeObject[], resourceVersion: string): void;
  event(type: WatchEventType, object: KubeObject): void;
  /** A list completed or a watch opened. */
  healthy(): void;
  /** The watch stream is open (the server answered 200). */
  watching(): void;
  failed(error: unknown): void;
}

export interface ReflectorOptions {
  readonly pageSize: number;
  readonly log: Logger;
  readonly backoff?: BackoffOptions;
  readonly now?: () => number;
}

export function collectionPath(collection: Collection): string {
  const { type, namespace } = collection;
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const scope = namespace !== undefined && type.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${type.resource}`;
}

export function collectionName(collection: Collection): string {
  const where = collection.namespace !== undefined ? ` in ${collection.namespace}` : '';
  return `${groupResourceOf(collection.type)}${where}`;
}

function resourceVersionOf(object: unknown): string | undefined {
  const metadata = isObject(object) ? object['metadata'] : undefined;
  const version = isObject(metadata) ? metadata['resourceVersion'] : undefined;
  return typeof version === 'string' && version !== '' ? version : undefined;
}

/** Every page of a list from one snapshot; an expired `continue` token restarts the list. */
export async function listAll(
  api: KubeApi,
  collection: Collection,
  pageSize: number,
  signal: AbortSignal,
): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const path = collectionPath(collection);
  const apiVersion = apiVersionOf(collection.type);
  for (let attempt = 1; ; attempt += 1) {
    const items: KubeObject[] = [];
    let token: string | undefined;
    let version: string | undefined;
    try {
      do {
        const page = await api.get(path, { limit: pageSize, continue: token }, signal);
        if (!isObject(page) || !Array.isArray(page['items']))
          throw new KubernetesApiError(`GET ${path}: the response is not a list`);
        version ??= resourceVersionOf(page);
        for (const item of page['items'])
          if (isObject(item)) items.push({ apiVersion, kind: collection.type.kind, ...item });
        const next = isObject(page['metadata']) ? page['metadata']['continue'] : undefined;
        token = typeof next === 'string' && next !== '' ? next : undefined;
      } while (token);
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 410 && attempt < 3) continue;
      throw error;
    }
    if (version === undefined) throw new KubernetesApiError(`GET ${path}: the list has no resourceVersion`);
    return { items, resourceVersion: version };
  }
}

export class Reflector {
  readonly collection: Collection;
  readonly #api: KubeApi;
  readonly #handlers: ReflectorHandlers;
  readonly #options: ReflectorOptions;
  readonly #backoff: Backoff;
  #resyncRequested = false;
  #currentWatch: AbortController | undefined;

  constructor(api: KubeApi, collection: Collection, handlers: ReflectorHandlers, options: ReflectorOptions) {
    this.#api = api;
    this.collection = collection;
    this.#handlers = handlers;
    this.#options = options;
    this.#backoff = new Backoff(options.backoff);
  }

  /** Ends the current watch and lists again (the scheduled resync). */
  requestResync(): void {
    this.#resyncRequested = true;
    this.#currentWatch?.abort();
  }

  async run(signal: AbortSignal): Promise<void> {
    const now = this.#options.now ?? Date.now;
    const path = collectionPath(this.collection);
    const log = this.#options.log;
    let version: string | undefined;
    while (!signal.aborted) {
      try {
        if (version === undefined || this.#resyncRequested) {
          this.#resyncRequested = false;
          const listed = await listAll(this.#api, this.collection, this.#options.pageSize, signal);
          version = listed.resourceVersion;
          this.#handlers.listed(listed.items, version);
          this.#handlers.healthy();
          this.#backoff.reset();
        }
        const watch = new AbortController();
        this.#currentWatch = watch;
        if (this.#resyncRequested) continue;
        let delivered = 0;
        const started = now();
        const end = await this.#api.watch(
          path,
          { resourceVersion: version, allowWatchBookmarks: true },
          (type, object) => {
            version = resourceVersionOf(object) ?? version;
            delivered += 1;
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.#handlers.event(type, object);
          },
          AbortSignal.any([signal, watch.signal]),
          () => {
            this.#handlers.healthy();
            this.#handlers.watching();
          },
        );
        this.#currentWatch = undefined;
        if (delivered > 0) this.#backoff.reset();
        if (end.kind === 'failed') throw end.error;
        if (end.kind === 'expired') {
          log.info(
            { collection: collectionName(this.collection), resourceVersion: version },
            'watch expired (410); listing again',
          );
          version = undefined;
        } else if (end.kind === 'closed' && delivered === 0 && now() - started < 1000) {
          // A server that closes watches at once must not be re-watched in a tight loop.
          await sleep(this.#backoff.next(), signal);
        }
      } catch (error) {
        if (signal.aborted) return;
        this.#handlers.failed(error);
        log.warn(
          { collection: collectionName(this.collection), err: error },
          'list/watch failed; retrying with backoff',
        );
        await sleep(this.#backoff.next(), signal);
      }
    }
  }
}
