// A token bucket: at most `ratePerSecond` acquisitions per second on average, bursts up to
// `burst`. CloudTrail allows 2 LookupEvents requests per second per account and region.
import { sleep } from './backoff.ts';

export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updated: number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ratePerSecond: number, options: { burst?: number; now?: () => number } = {}) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.#rate = ratePerSecond;
    this.#burst = options.burst ?? 1;
    this.#now = options.now ?? Date.now;
    this.#tokens = this.#burst;
    this.#updated = this.#now();
  }

  /** Resolves when a token is taken (false when `signal` aborted first). Callers are served in order. */
  take(signal: AbortSignal): Promise<boolean> {
    const turn = this.#queue.then(() => this.#takeOne(signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #takeOne(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      const now = this.#now();
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#updated) / 1000) * this.#rate);
      this.#updated = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return true;
      }
      const waitMs = Math.ceil(((1 - this.#tokens) / this.#rate) * 1000);
      if (!(await sleep(waitMs, signal))) return false;
    }
  }
}
