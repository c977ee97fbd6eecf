// Intake requests in flight, for the drainer to give way to (issue 12): a webhook's ack waits
// for its body, its journal write and fsync, each of which needs a turn of the event loop that
// a drainer slice may be holding. While a request is in flight the drainer pauses between
// slices, for a bounded time so a constant stream of requests cannot stop the drain.

export class IntakeActivity {
  #inFlight = 0;
  #waiters: Array<() => void> = [];

  /** A request started (after its authentication). */
  enter(): void {
    this.#inFlight += 1;
  }

  /** A request answered or failed. */
  leave(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (this.#inFlight === 0) for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once no request is in flight, or after `maxMs`. */
  idle(maxMs: number): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.#waiters.push(done);
    });
  }
}
