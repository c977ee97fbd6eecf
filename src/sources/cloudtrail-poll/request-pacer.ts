// The request rate as AWS counts it: LookupEvents allows 2 requests per second per account
// and region, counted where the requests arrive. Every attempt (a retry too) runs through
// the pacer, one at a time, and waits until the request `n` attempts back has been answered
// for n / rate seconds. A request arrives after it is sent and before its answer returns, so
// however the network delays them, no n + 1 requests can arrive within one second.
import { sleep } from '../runtime/backoff.ts';

export class RequestPacer {
  /** Requests that may arrive within `#spanMs` (2 for 2 per second; 1 for any rate below 2). */
  readonly #burst: number;
  readonly #spanMs: number;
  readonly #now: () => number;
  /** When the last `#burst` attempts were answered (or failed), oldest first. */
  readonly #answered: number[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ratePerSecond: number, now: () => number = Date.now) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.#burst = Math.max(1, Math.floor(ratePerSecond));
    this.#spanMs = (this.#burst * 1000) / ratePerSecond;
    this.#now = now;
  }

  /**
   * Runs one attempt when the rate allows it; attempts run in call order, never two at once.
   * Resolves `{ aborted: true }` when `signal` aborts before the attempt could start.
   */
  run<T>(signal: AbortSignal, attempt: () => Promise<T>): Promise<{ aborted: true } | { aborted: false; value: T }> {
    const turn = this.#queue.then(() => this.#runWhenAllowed(signal, attempt));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #runWhenAllowed<T>(
    signal: AbortSignal,
    attempt: () => Promise<T>,
  ): Promise<{ aborted: true } | { aborted: false; value: T }> {
    if (this.#answered.length >= this.#burst) {
      const wait = (this.#answered[0] as number) + this.#spanMs - this.#now();
      if (wait > 0 && !(await sleep(Math.ceil(wait), signal))) return { aborted: true };
    }
    if (signal.aborted) return { aborted: true };
    try {
      return { aborted: false, value: await attempt() };
    } finally {
      this.#answered.push(this.#now());
      if (this.#answered.length > this.#burst) this.#answered.shift();
    }
  }
}
