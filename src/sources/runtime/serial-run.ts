// One run at a time of an async task, for the loops fed by the ledger's commits (the policy
// evaluator, each mirror): a request while it runs makes it run once more when it ends, so
// any number of requests during a run coalesce into one. The task says whether another run
// may follow (not after a failure that waits for its own retry timer, nor once stopped).

export class SerialRun {
  readonly #task: () => Promise<boolean>;
  #running: Promise<void> | null = null;
  #again = false;

  /** `task` resolves true when a run requested meanwhile may follow. */
  constructor(task: () => Promise<boolean>) {
    this.#task = task;
  }

  get running(): boolean {
    return this.#running !== null;
  }

  /** Runs the task now, or once more after the run in progress. */
  request(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = null;
    });
  }

  /** Resolves when no run is in progress (including those requested meanwhile). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      if (!(await this.#task())) return;
    } while (this.#again);
  }
}
