// Raw JSON from the Kubernetes API with client-node's authentication: GETs for discovery and
// lists (the typed models drop unknown fields and rewrite timestamps, protocols.md §2.2),
// and client-node's Watch for streams, with every way a watch ends told apart.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { GitrailError } from '../../domain/errors.ts';
import { isObject } from '../../domain/json.ts';

/** A failed Kubernetes API call; `status` is the HTTP status when there was a response. */
export class KubernetesApiError extends GitrailError {
  readonly status: number | undefined;
  readonly reason: string | undefined;
  constructor(message: string, options: { status?: number; reason?: string; cause?: unknown } = {}) {
    super('KUBERNETES_API', message, { cause: options.cause, retryable: true });
    this.status = options.status;
    this.reason = options.reason;
  }
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** A GET (one list page, one discovery document) that takes longer has hung: it fails and is retried. */
const GET_TIMEOUT_MS = 60_000;

export type WatchEnd =
  | { readonly kind: 'closed' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'failed'; readonly error: Error };

export type WatchHandler = (type: string, object: Record<string, unknown>) => void;

function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function statusError(status: number, body: string, what: string): KubernetesApiError {
  let reason: string | undefined;
  let message = body.slice(0, 300);
  try {
    const parsed: unknown = JSON.parse(body);
    if (isObject(parsed) && parsed['kind'] === 'Status') {
      reason = typeof parsed['reason'] === 'string' ? parsed['reason'] : undefined;
      message = typeof parsed['message'] === 'string' ? parsed['message'] : message;
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return new KubernetesApiError(`GET ${what}: HTTP ${status}${reason ? ` ${reason}` : ''}: ${message}`, {
    status,
    ...(reason ? { reason } : {}),
  });
}

export class KubeApi {
  readonly kc: KubeConfig;
  readonly server: string;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubernetesApiError('the kubeconfig names no current cluster');
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** GETs `path` and parses the JSON body; non-2xx answers become KubernetesApiError with the Status reason. */
  async get(path: string, query: Query, signal: AbortSignal): Promise<unknown> {
    const options: RequestOptions = {};
    await this.kc.applyToHTTPSOptions(options);
    const url = new URL(this.server + withQuery(path, query));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = send(
        url,
        {
          ...options,
          method: 'GET',
          headers: { ...options.headers, Accept: 'application/json' },
          signal: AbortSignal.any([signal, AbortSignal.timeout(GET_TIMEOUT_MS)]),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    }).catch((cause: unknown) => {
      throw new KubernetesApiError(`GET ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    });
    if (status < 200 || status >= 300) throw statusError(status, body, path);
    try {
      return JSON.parse(body) as unknown;
    } catch (cause) {
      throw new KubernetesApiError(`GET ${path}: the response is not JSON`, { status, cause });
    }
  }

  /**
   * Streams a watch until it ends; resolves with how it ended, never rejects. `onEvent` gets
   * ADDED/MODIFIED/DELETED/BOOKMARK; an ERROR event ends the watch (410 → `expired`).
   * `onOpen` runs once the server has answered 200.
   */
  watch(
    path: string,
    query: Query,
    onEvent: WatchHandler,
    signal: AbortSignal,
    onOpen: () => void = () => undefined,
  ): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      let controller: AbortController | undefined;
      let ending: WatchEnd | undefined;
      let settled = false;
      const finish = (end: WatchEnd): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        controller?.abort();
        resolve(end);
      };
      const onAbort = (): void => finish({ kind: 'aborted' });
      if (signal.aborted) return finish({ kind: 'aborted' });
      signal.addEventListener('abort', onAbort, { once: true });
      const handle = (type: string, object: unknown): void => {
        if (settled || ending) return;
        if (type === 'ERROR') {
          const code = isObject(object) ? object['code'] : undefined;
          const message =
            isObject(object) && typeof object['message'] === 'string' ? object['message'] : 'watch ERROR event';
          ending =
            code === 410
              ? { kind: 'expired' }
              : {
                  kind: 'failed',
                  error: new KubernetesApiError(
                    `watch ${path}: ${message}`,
                    typeof code === 'number' ? { status: code } : {},
                  ),
                };
          controller?.abort();
          return;
        }
        if (!isObject(object)) return;
        try {
          onEvent(type, object);
        } catch (error) {
          // client-node ignores exceptions thrown by the callback; end the watch with them instead.
          ending = { kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
          controller?.abort();
        }
      };
      const done = (error: unknown): void => {
        if (ending) return finish(ending);
        if (signal.aborted) return finish({ kind: 'aborted' });
        if (error === null || error === undefined) return finish({ kind: 'closed' });
        const status = isObject(error) && typeof error['statusCode'] === 'number' ? error['statusCode'] : undefined;
        if (status === 410) return finish({ kind: 'expired' });
        if (error instanceof Error && error.name === 'TimeoutError') return finish({ kind: 'timeout' });
        const message = error instanceof Error ? error.message : String(error);
        finish({
          kind: 'failed',
          error: new KubernetesApiError(`watch ${path}: ${status ? `HTTP ${status} ` : ''}${message}`, {
            ...(status ? { status } : {}),
            cause: error,
          }),
        });
      };
      new Watch(this.kc).watch(path, query as Record<string, string | number | boolean | undefined>, handle, done).then(
        (started) => {
          controller = started;
          // client-node resolves after a 200 response, or after reporting a failure through done().
          if (settled) started.abort();
          else if (!ending) onOpen();
        },
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }
}
