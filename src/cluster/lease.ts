// One shard's writer lease in the replicated KV bucket (whose TTL is cluster.writer.leaseTtl):
// taken with create (only when no one holds it), renewed with compare-and-set on the revision
// every third of the TTL, and released with a compare-and-set delete. The server expires a
// lease not renewed within the TTL; the holder fences itself earlier, counting from when it
// sent its last successful renewal, so it has stopped before anyone else can start. The
// revision at acquisition is the writer's epoch (it names the session's consumer).
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';

export interface LeaseHolder {
  readonly replica: string;
  /** Unique per process and acquisition. */
  readonly session: string;
  readonly acquiredAt: number;
}

export const leaseKey = (shard: string): string => `shard.${shard}`;
export const presenceKey = (replica: string): string => `writer.${replica}`;

/** Fraction of the TTL after the last renewal sent at which the holder stops writing. */
const FENCE_AT = 0.75;

function isCasFailure(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/** Who holds the shard's lease now, or null when no one does. */
export async function readLease(kv: KV, shard: string): Promise<LeaseHolder | null> {
  const entry = await kv.get(leaseKey(shard));
  if (!entry || entry.operation !== 'PUT') return null;
  return JSON.parse(Buffer.from(entry.value).toString('utf8')) as LeaseHolder;
}

export class ShardLease {
  readonly shard: string;
  readonly holder: LeaseHolder;
  /** The revision the lease was created with: increases with every acquisition of any shard. */
  readonly epoch: number;
  readonly #kv: KV;
  readonly #ttl: number;
  #revision: number;
  #lastRenewSent: number;
  #timer: NodeJS.Timeout | undefined;
  #fence: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | null = null;
  #releasing = false;
  #lost: string | null = null;
  #onLost: (reason: string) => void = () => undefined;

  private constructor(kv: KV, shard: string, holder: LeaseHolder, revision: number, ttl: number, sentAt: number) {
    this.#kv = kv;
    this.shard = shard;
    this.holder = holder;
    this.epoch = revision;
    this.#revision = revision;
    this.#ttl = ttl;
    this.#lastRenewSent = sentAt;
  }

  /** Takes the lease when no one holds it; null when someone does. */
  static async tryAcquire(kv: KV, shard: string, holder: LeaseHolder, ttl: number): Promise<ShardLease | null> {
    const sentAt = performance.now();
    try {
      const revision = await kv.create(leaseKey(shard), JSON.stringify(holder));
      return new ShardLease(kv, shard, holder, revision, ttl, sentAt);
    } catch (error) {
      if (isCasFailure(error)) return null;
      throw error;
    }
  }

  /** Why the lease was lost, or null while it is held. */
  get lost(): string | null {
    return this.#lost;
  }

  /** Renews until released or lost; `onLost` is called once, as soon as writing must stop. */
  keep(onLost: (reason: string) => void): void {
    this.#onLost = onLost;
    this.#armFence();
    this.#schedule(this.#ttl / 3);
  }

  /** The fence fires on its own clock, never later than FENCE_AT of the TTL, whatever a renewal in flight does. */
  #armFence(): void {
    clearTimeout(this.#fence);
    if (this.#lost || this.#releasing) return;
    const at = this.#lastRenewSent + this.#ttl * FENCE_AT;
    this.#fence = setTimeout(
      () => this.#lose(`not renewed within ${Math.round(this.#ttl * FENCE_AT)} ms (NATS unreachable?)`),
      Math.max(0, at - performance.now()),
    );
  }

  #schedule(delay: number): void {
    if (this.#lost || this.#releasing) return;
    this.#timer = setTimeout(() => {
      this.#renewing = this.#tick().finally(() => {
        this.#renewing = null;
      });
    }, delay);
  }

  async #tick(): Promise<void> {
    if (this.#lost) return;
    const sentAt = performance.now();
    try {
      this.#revision = await this.#kv.update(
        leaseKey(this.shard),
        JSON.stringify(this.holder),
        this.#revision,
        Math.max(250, this.#ttl / 4),
      );
      if (this.#lost) return;
      this.#lastRenewSent = sentAt;
      this.#armFence();
      this.#schedule(this.#ttl / 3);
    } catch (error) {
      if (isCasFailure(error)) {
        this.#lose('the lease expired or was taken by another replica');
        return;
      }
      // A timeout or a lost connection: try again soon, until the fence.
      this.#schedule(this.#ttl / 10);
    }
  }

  #lose(reason: string): void {
    if (this.#lost) return;
    this.#lost = reason;
    clearTimeout(this.#timer);
    clearTimeout(this.#fence);
    this.#onLost(reason);
  }

  /**
   * Stops renewing and deletes the lease (when still ours), so another replica can take it at
   * once. Resolves with the error when it could not be deleted: the TTL then ends it.
   */
  async release(): Promise<unknown> {
    this.#releasing = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#fence);
    await this.#renewing;
    if (this.#lost) return null;
    this.#lost = 'released';
    try {
      await this.#kv.delete(leaseKey(this.shard), { previousSeq: this.#revision });
      return null;
    } catch (error) {
      return error;
    }
  }
}
