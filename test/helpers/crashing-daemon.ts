// The real daemon, SIGKILLed and restarted at random moments while test clients post to it
// (daemon-crash, poison-crash). A client whose connection fails re-posts the same body to the
// next generation, as the apiserver does; a kill is scheduled after a random number of
// acknowledgements, a random moment later. A restart that fails rejects `failed`.
import type { TestContext } from 'node:test';
import { type DaemonProcess, startDaemonProcess } from './daemon-process.ts';

export interface CrashPlan {
  readonly dataDir: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Kills scheduled by acknowledgements (the test may crash() more itself). */
  readonly killsWhilePosting: number;
  /** Acknowledgements after a (re)start before the next kill. */
  readonly acksBeforeKill: () => number;
  /** How long after that acknowledgement the kill comes. */
  readonly killDelayMs: () => number;
}

export class CrashingDaemon {
  readonly #plan: CrashPlan;
  #daemon: DaemonProcess;
  #generation = 0;
  #wake: () => void = () => undefined;
  #restarted: Promise<void>;
  #kills = 0;
  #killing = false;
  #acksSinceStart = 0;
  #killAt: number;
  #fail: (error: unknown) => void = () => undefined;
  /** Rejects when a restart failed (or the test called fail()); race the clients against it. */
  readonly failed: Promise<never>;

  private constructor(plan: CrashPlan, daemon: DaemonProcess) {
    this.#plan = plan;
    this.#daemon = daemon;
    this.#restarted = new Promise<void>((resolve) => (this.#wake = resolve));
    this.#killAt = plan.acksBeforeKill();
    this.failed = new Promise<never>((_, reject) => (this.#fail = reject));
    this.failed.catch(() => undefined);
  }

  static async start(t: TestContext, plan: CrashPlan): Promise<CrashingDaemon> {
    const crashing = new CrashingDaemon(plan, await CrashingDaemon.#spawn(plan));
    t.after(() => crashing.daemon.child.kill('SIGKILL'));
    return crashing;
  }

  static #spawn(plan: CrashPlan): Promise<DaemonProcess> {
    return startDaemonProcess({ dataDir: plan.dataDir, args: plan.args, env: plan.env });
  }

  /** The daemon of the current generation. */
  get daemon(): DaemonProcess {
    return this.#daemon;
  }

  get kills(): number {
    return this.#kills;
  }

  fail(error: unknown): void {
    this.#fail(error);
  }

  /** SIGKILLs the daemon and starts the next generation on the same data folder. */
  async crash(): Promise<void> {
    await this.#daemon.kill();
    this.#kills += 1;
    this.#daemon = await CrashingDaemon.#spawn(this.#plan);
    this.#generation += 1;
    this.#acksSinceStart = 0;
    this.#killAt = this.#plan.acksBeforeKill();
    this.#killing = false;
    const wake = this.#wake;
    this.#restarted = new Promise<void>((resolve) => (this.#wake = resolve));
    wake();
  }

  /**
   * POSTs `body` until the daemon answers: a failed connection (it was killed) waits for the
   * next generation and posts again. Resolves with the answer, whatever its status.
   */
  async post(path: string, token: string, body: string): Promise<Response> {
    for (;;) {
      const seen = this.#generation;
      const waitForRestart = this.#restarted;
      try {
        return await fetch(`${this.#daemon.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
      }
      if (this.#generation === seen) await waitForRestart;
    }
  }

  /** Counts an acknowledgement; past the plan's count a kill follows a random moment later. */
  acknowledged(): void {
    this.#acksSinceStart += 1;
    const { killsWhilePosting, killDelayMs } = this.#plan;
    if (this.#killing || this.#kills >= killsWhilePosting || this.#acksSinceStart < this.#killAt) return;
    this.#killing = true;
    setTimeout(() => this.crash().catch((error: unknown) => this.#fail(error)), killDelayMs());
  }

  /** Resolves once no scheduled kill is pending (the last restart has happened). */
  async settled(): Promise<void> {
    while (this.#killing) await this.#restarted;
  }
}
