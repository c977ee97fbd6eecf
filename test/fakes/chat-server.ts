// Fake chat receivers on 127.0.0.1 that enforce each provider's documented shape and limits
// (protocols.md §5): Slack (Block Kit limits, `text` fallback, 200 `ok`), Teams Workflows
// (Adaptive Card content type only, 202), Discord (content ≤ 2000, 204), Mattermost (`text`,
// 200 `ok`) and a generic webhook (HMAC-SHA256 signature, dedupe by Idempotency-Key). Tests
// can queue failures (429 with Retry-After / Discord `retry_after`, 5xx, 410) and hold a
// request open to kill the sender mid-delivery.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { discordProblem, mattermostProblem, slackProblem, teamsProblem } from './chat-payloads.ts';

export type ChatKind = 'slack' | 'teams' | 'discord' | 'mattermost' | 'webhook';

export interface ChatReceipt {
  readonly kind: ChatKind;
  readonly channel: string;
  readonly body: unknown;
  readonly raw: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The status answered (0 while held). */
  status: number;
  /** Why the provider would refuse it, when it does. */
  problem: string | null;
  /** A webhook delivery whose Idempotency-Key was already seen. */
  duplicate: boolean;
}

export interface InjectedFailure {
  readonly status: number;
  /** Seconds, sent as Retry-After (Slack, Teams, Mattermost) or as Discord's `retry_after`. */
  readonly retryAfter?: number;
  readonly body?: string;
}

export class FakeChatServer {
  readonly receipts: ChatReceipt[] = [];
  readonly #server: ServerType;
  readonly #failures = new Map<ChatKind, InjectedFailure[]>();
  readonly #holds = new Map<
    ChatKind,
    Array<{ skip: number; arrived: (receipt: ChatReceipt) => void; released: Promise<void> }>
  >();
  readonly #waiters = new Set<() => void>();
  readonly #seenKeys = new Set<string>();
  readonly webhookSecret: string;

  private constructor(server: ServerType, app: Hono, secret: string) {
    this.#server = server;
    this.webhookSecret = secret;
    app.post('/:kind/:channel', (c) => this.#handle(c));
  }

  static async start(options: { webhookSecret?: string } = {}): Promise<FakeChatServer> {
    const app = new Hono();
    const server = await new Promise<ServerType>((resolve) => {
      const started: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    return new FakeChatServer(server, app, options.webhookSecret ?? 'webhook-test-secret');
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** A webhook URL; like real ones, the path holds the secret part. */
  url(kind: ChatKind, channel = 'alerts'): string {
    return `${this.origin}/${kind}/${channel}`;
  }

  /** Answers the next requests of a kind with these failures, in order. */
  failNext(kind: ChatKind, ...failures: InjectedFailure[]): void {
    this.#failures.set(kind, [...(this.#failures.get(kind) ?? []), ...failures]);
  }

  /**
   * Holds a request of a kind open until `release()` (the next one, or the one after `after`
   * more); `arrived` resolves when it is in. The response is only decided after the release.
   */
  holdNext(kind: ChatKind, options: { after?: number } = {}): { arrived: Promise<ChatReceipt>; release: () => void } {
    let release!: () => void;
    let arrived!: (receipt: ChatReceipt) => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const arrival = new Promise<ChatReceipt>((resolve) => (arrived = resolve));
    this.#holds.set(kind, [...(this.#holds.get(kind) ?? []), { skip: options.after ?? 0, arrived, released }]);
    return { arrived: arrival, release };
  }

  /** Accepted messages of a kind (2xx, not a deduplicated repeat). */
  delivered(kind: ChatKind): ChatReceipt[] {
    return this.receipts.filter(
      (receipt) => receipt.kind === kind && receipt.status >= 200 && receipt.status < 300 && !receipt.duplicate,
    );
  }

  /** Resolves once `predicate` holds for the receipts (checked after every request). */
  async waitFor(predicate: (receipts: readonly ChatReceipt[]) => boolean): Promise<void> {
    while (!predicate(this.receipts)) {
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      (this.#server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  }

  #notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) waiter();
  }

  async #handle(c: Context): Promise<Response> {
    const kind = c.req.param('kind') as ChatKind;
    const raw = await c.req.text();
    let body: unknown = null;
    try {
      body = JSON.parse(raw);
    } catch {
      body = null; // recorded as is; the provider check below refuses it
    }
    const headers = Object.fromEntries([...c.req.raw.headers].map(([name, value]) => [name.toLowerCase(), value]));
    const receipt: ChatReceipt = {
      kind,
      channel: c.req.param('channel') as string,
      body,
      raw,
      headers,
      status: 0,
      problem: null,
      duplicate: false,
    };
    this.receipts.push(receipt);
    const holds = this.#holds.get(kind) ?? [];
    const hold = holds[0]?.skip === 0 ? holds.shift() : undefined;
    if (holds[0] && !hold) holds[0].skip -= 1;
    if (hold) {
      hold.arrived(receipt);
      await hold.released;
    }
    const response = this.#respond(kind, receipt);
    receipt.status = response.status;
    this.#notify();
    return response;
  }

  #respond(kind: ChatKind, receipt: ChatReceipt): Response {
    const failure = this.#failures.get(kind)?.shift();
    if (failure) return this.#failure(kind, failure);
    switch (kind) {
      case 'slack':
        receipt.problem = slackProblem(receipt.body);
        return receipt.problem
          ? new Response(receipt.problem.split(':')[0], { status: 400 })
          : new Response('ok', { status: 200 });
      case 'teams':
        receipt.problem = teamsProblem(receipt.body);
        return receipt.problem
          ? Response.json({ error: { code: 'BadRequest', message: receipt.problem } }, { status: 400 })
          : new Response(null, { status: 202 });
      case 'discord':
        receipt.problem = discordProblem(receipt.body);
        return receipt.problem
          ? Response.json(
              { code: 50035, message: 'Invalid Form Body', errors: { content: receipt.problem } },
              { status: 400 },
            )
          : new Response(null, { status: 204 });
      case 'mattermost':
        receipt.problem = mattermostProblem(receipt.body);
        return receipt.problem
          ? Response.json({ id: 'web.incoming_webhook.text.app_error', message: receipt.problem }, { status: 400 })
          : new Response('ok', { status: 200 });
      case 'webhook':
        return this.#webhook(receipt);
      default:
        return new Response('unknown route', { status: 404 });
    }
  }

  #webhook(receipt: ChatReceipt): Response {
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', this.webhookSecret).update(receipt.raw).digest('hex')}`,
    );
    const given = Buffer.from(receipt.headers['x-gitrail-signature-256'] ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      receipt.problem = 'bad signature';
      return Response.json({ error: 'bad signature' }, { status: 401 });
    }
    const key = receipt.headers['idempotency-key'];
    if (!key) {
      receipt.problem = 'no Idempotency-Key';
      return Response.json({ error: 'Idempotency-Key required' }, { status: 400 });
    }
    receipt.duplicate = this.#seenKeys.has(key);
    this.#seenKeys.add(key);
    return Response.json({ received: true, duplicate: receipt.duplicate }, { status: 200 });
  }

  #failure(kind: ChatKind, failure: InjectedFailure): Response {
    const headers = new Headers();
    if (failure.status === 429 && failure.retryAfter !== undefined) {
      if (kind === 'discord') {
        headers.set('x-ratelimit-limit', '5');
        headers.set('x-ratelimit-remaining', '0');
        headers.set('x-ratelimit-reset-after', String(failure.retryAfter));
        headers.set('x-ratelimit-bucket', 'fake-bucket');
        return Response.json(
          { message: 'You are being rate limited.', retry_after: failure.retryAfter, global: false },
          { status: 429, headers },
        );
      }
      headers.set('retry-after', String(failure.retryAfter));
    }
    const body =
      failure.body ??
      (failure.status === 429 ? 'rate_limited' : failure.status === 410 ? 'channel_is_archived' : 'rollup_error');
    return new Response(body, { status: failure.status, headers });
  }
}
