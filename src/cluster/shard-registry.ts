// The shards that exist and how each is doing, in a replicated KV bucket: intake registers a
// shard the first time it publishes to it (so writers learn of shards named after new clusters
// or accounts), and each shard's writer reports what it committed and pushed (readers fetch
// on that, `gitrail cluster status` and the metrics show it).
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { listKeys } from './kv-keys.ts';
import type { NatsLink } from './nats.ts';

export interface BranchHeads {
  readonly main: string | null;
  readonly activity: string | null;
}

export interface ShardStatus {
  readonly shard: string;
  readonly registeredAt: number;
  /** The replica that last reported as its writer (the lease says who writes now). */
  readonly holder?: string;
  /** Highest stream sequence whose batch is committed in the writer's repository. */
  readonly committedSeq?: number;
  /** Highest stream sequence whose commits are on the shard's remote (0 without a remote). */
  readonly pushedSeq?: number;
  /** The branch heads the remote holds, as last pushed. */
  readonly pushed?: BranchHeads;
  /** Batches stored in the stream and not yet committed. */
  readonly lagMessages?: number;
  /** Age of the oldest batch not yet committed, in seconds (0 when none). */
  readonly lagSeconds?: number;
  /** Why the writer refuses part of its work (its remote lost checkpoints: none are written). */
  readonly problem?: string;
  readonly updatedAt?: number;
}

function parse(shard: string, value: Uint8Array): ShardStatus {
  try {
    return { ...(JSON.parse(Buffer.from(value).toString('utf8')) as ShardStatus), shard };
  } catch (error) {
    if (error instanceof SyntaxError) return { shard, registeredAt: 0 };
    throw error;
  }
}

export class ShardRegistry {
  readonly #link: NatsLink;
  readonly #known = new Set<string>();

  constructor(link: NatsLink) {
    this.#link = link;
  }

  async #kv(): Promise<KV> {
    return (await this.#link.ready()).shards;
  }

  /** Makes sure the shard is registered; cheap once it is known here. */
  async register(shard: string, now = Date.now()): Promise<void> {
    if (this.#known.has(shard)) return;
    const kv = await this.#kv();
    try {
      await kv.create(shard, JSON.stringify({ shard, registeredAt: now } satisfies ShardStatus));
    } catch (error) {
      const exists =
        error instanceof JetStreamApiError &&
        (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
          error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
      if (!exists) throw error;
    }
    this.#known.add(shard);
  }

  /** Every registered shard with its last report. */
  async list(): Promise<Map<string, ShardStatus>> {
    const kv = await this.#kv();
    const out = new Map<string, ShardStatus>();
    for (const key of await listKeys(kv)) {
      const entry = await kv.get(key);
      if (entry && entry.operation === 'PUT') out.set(key, parse(key, entry.value));
    }
    for (const shard of out.keys()) this.#known.add(shard);
    return out;
  }

  /** The writer's report; keeps registeredAt. */
  async report(status: ShardStatus): Promise<void> {
    const kv = await this.#kv();
    await kv.put(status.shard, JSON.stringify(status));
    this.#known.add(status.shard);
  }

  /** Calls `onStatus` with every shard's current report, then with each new one, until `signal` aborts. */
  async watch(onStatus: (status: ShardStatus) => void, signal: AbortSignal): Promise<void> {
    const kv = await this.#kv();
    const watcher = await kv.watch();
    const stop = () => watcher.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const entry of watcher) {
        if (entry.operation !== 'PUT') continue;
        this.#known.add(entry.key);
        onStatus(parse(entry.key, entry.value));
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }
}
