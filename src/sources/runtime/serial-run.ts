// One run at a time of an async task, with one timer, for the loops fed by the ledger's commits
// (the policy evaluator, each mirror). A request while the task runs makes it run once more
// when it ends, so any number of requests coalesce into one. A run that fails names the delay
// of its retry: the next run waits for exactly that timer, and requests made during the failed
// run or while waiting join the retry instead of starting an earlier run (a remote that refuses
// pushes is not sent them back to back). `runNow` alone skips the wait: flushing on request.

/** What a run tells the loop: done; retry after a delay; or no more runs (stopped, given up). */
export type RunOutcome = 'done' | 'halt' | { readonly retryInMs: number };

export class SerialRun {
  readonly #task: () => Promise<RunOutcome>;
  readonly #now: () => number;
  #running: Promise<void> | null = null;
  #again = false;
  /** runNow during a run: one more run after it, even when it fails. */
  #forced = false;
  #timer: NodeJS.Timeout | undefined;
  #dueAt = Infinity;
  #retrying = false;
  #halted = false;

  constructor(task: () => Promise<RunOutcome>, now: () => number = Date.now) {
    this.#task = task;
    this.#now = now;
  }

  get running(): boolean {
    return this.#running !== null;
  }

  /** Waiting for the retry of a failed run. */
  get retrying(): boolean {
    return this.#retrying;
  }

  /**
   * Runs the task in `delayMs` (now by default; after the run in progress), unless a run is due
   * sooner. While a retry is pending the request joins it.
   */
  request(delayMs = 0): void {
    if (this.#halted || this.#retrying) return;
    if (delayMs <= 0) {
      this.#clearTimer();
      this.#start();
      return;
    }
    const at = this.#now() + delayMs;
    if (this.#timer !== undefined && this.#dueAt <= at) return;
    this.#arm(delayMs, at);
  }

  /** Runs the task now, also while a retry is pending; if a run is in progress, once more after it however it ends. */
  runNow(): void {
    if (this.#halted) return;
    this.#retrying = false;
    this.#clearTimer();
    if (this.#running) this.#forced = true;
    this.#start();
  }

  /** Resolves when no run is in progress (including those requested meanwhile); timers may be pending. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** No more runs: the timer is cleared and the run in progress, if any, awaited. */
  async stop(): Promise<void> {
    this.#halted = true;
    this.#retrying = false;
    this.#clearTimer();
    await this.idle();
  }

  #start(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = null;
    });
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      this.#forced = false;
      const outcome = await this.#task();
      if (outcome === 'halt') {
        this.#halted = true;
        this.#clearTimer();
        return;
      }
      if (outcome !== 'done' && !this.#forced) {
        // Requests made during the failed run, and timers set before it, wait for the retry.
        this.#again = false;
        if (this.#halted) return;
        this.#retrying = true;
        this.#arm(outcome.retryInMs, this.#now() + outcome.retryInMs);
        return;
      }
    } while ((this.#again || this.#forced) && !this.#halted);
  }

  #arm(delayMs: number, at: number): void {
    clearTimeout(this.#timer);
    this.#dueAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#dueAt = Infinity;
      this.#retrying = false;
      this.#start();
    }, delayMs);
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = Infinity;
  }
}
