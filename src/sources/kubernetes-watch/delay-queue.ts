// A first-in first-out queue whose items become due a fixed delay after they were pushed:
// watched changes wait `attributionDelay` for the audit facts that name their author. The
// delay is the same for every item, so due order is push order and per-object order holds.
import { sleep } from '../runtime/backoff.ts';

export class DelayQueue<T> {
  readonly #delayMs: number;
  readonly #now: () => number;
  #items: Array<{ readonly item: T; readonly dueAt: number }> = [];
  #head = 0;
  /** Items handed out by takeDue and not yet acknowledged (still being processed). */
  #taken = 0;
  #wake: (() => void) | undefined;

  constructor(delayMs: number, now: () => number) {
    this.#delayMs = delayMs;
    this.#now = now;
  }

  /** Items waiting or being processed (taken and not yet acknowledged). */
  get size(): number {
    return this.#items.length - this.#head + this.#taken;
  }

  /** The items of the last takeDue have been processed. */
  acknowledge(count: number): void {
    this.#taken = Math.max(0, this.#taken - count);
  }

  push(item: T, observedAt: number = this.#now()): void {
    this.#items.push({ item, dueAt: observedAt + this.#delayMs });
    this.#wake?.();
  }

  /** How long the oldest item has been overdue, in ms (0 when none is). */
  overdueMs(): number {
    const head = this.#items[this.#head];
    return head ? Math.max(0, this.#now() - head.dueAt) : 0;
  }

  /**
   * Waits until at least one item is due and takes up to `max` due items (acknowledge them once processed); [] once
   * `signal` aborts.
   */
  async takeDue(max: number, signal: AbortSignal): Promise<T[]> {
    while (!signal.aborted) {
      const head = this.#items[this.#head];
      if (!head) {
        await this.#waitForPush(signal);
        continue;
      }
      const wait = head.dueAt - this.#now();
      if (wait > 0) {
        await sleep(wait, signal);
        continue;
      }
      const out: T[] = [];
      const now = this.#now();
      while (out.length < max) {
        const next = this.#items[this.#head];
        if (!next || next.dueAt > now) break;
        out.push(next.item);
        this.#head += 1;
      }
      this.#taken += out.length;
      if (this.#head === this.#items.length) {
        // Drained: drop the references to what was taken (a 50k-object list is no small thing).
        this.#items = [];
        this.#head = 0;
      } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return out;
    }
    return [];
  }

  #waitForPush(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#wake = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
