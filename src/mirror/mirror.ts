// One mirror remote: pushes the configured branches in batches (at most every `interval`, or
// at once when `batchCommits` are new), retries failures with backoff (not a setup error that
// retrying cannot fix, such as a missing repository it may not create), never forces, and keeps
// each branch's last outcome, so a rejected push (the remote's own message) shows in status,
// metrics and the viewer instead of being hidden.
import type { Logger } from 'pino';
import type { Branch } from '../domain/change.ts';
import { GitrailError } from '../domain/errors.ts';
import { SerialRun } from '../sources/runtime/serial-run.ts';
import { Backoff } from '../sources/runtime/backoff.ts';
import type { SourceStatus } from '../sources/source.ts';
import type { MirrorConfig } from './config.ts';
import { pushBranch, type PushOutcome } from './push.ts';
import { pushProof } from './push-proof.ts';

export interface BranchOutcome {
  readonly outcome: PushOutcome['kind'];
  readonly sha: string | null;
  readonly message: string | null;
  /** Epoch ms of the attempt. */
  readonly at: number;
  readonly durationMs: number;
}

function describeFailure(branch: Branch, result: BranchOutcome): string {
  return (
    `${branch}: ${result.outcome === 'rejected' ? 'push rejected' : 'push failed'}: ` +
    `${result.message ?? 'no message'}`
  );
}

export interface MirrorOptions {
  readonly name: string;
  readonly url: string;
  readonly config: MirrorConfig;
  readonly gitdir: string;
  readonly token: string | null;
  readonly log: Logger;
  readonly now: () => number;
  /** Prepares the remote before the first push (creates the GitHub repository). */
  readonly prepare?: () => Promise<void>;
  readonly onPush?: (branch: Branch, outcome: BranchOutcome) => void;
}

export class Mirror {
  readonly name: string;
  readonly branches = new Map<Branch, BranchOutcome>();
  readonly #options: MirrorOptions;
  readonly #cache = {};
  #unpushed = 0;
  #oldestUnpushedAt: number | null = null;
  #prepared = false;
  /** Set when preparing the remote failed in a way retrying cannot fix (until restart). */
  #gaveUp = false;
  readonly #backoff: Backoff;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  /** After each push, one more when a push was asked for meanwhile (not once stopped or given up). */
  readonly #runs = new SerialRun(async () => {
    await this.#run();
    return !this.#stopped && !this.#gaveUp;
  });
  #stopped = false;
  /** Why the checkpoints and archived periods could not be pushed, when they could not. */
  #proofProblem: string | null = null;
  /** The proof refs the remote was last brought up to date with. */
  #proofPushed: string | null = null;
  lastSuccessAt: number | null = null;
  lastError: string | null = null;

  constructor(options: MirrorOptions) {
    this.name = options.name;
    this.#options = options;
    this.#backoff = new Backoff({
      initialMs: options.config.initialBackoff,
      maxMs: options.config.maxBackoff,
      jitter: 0,
    });
  }

  /** Pushes once at start, so a remote that fell behind catches up. */
  start(): void {
    this.#schedule(0);
  }

  /** Called with each flushed batch of commits. */
  committed(commits: ReadonlyArray<{ readonly branch: Branch }>): void {
    const relevant = commits.filter((commit) => this.#options.config.branches.includes(commit.branch)).length;
    if (relevant === 0) return;
    this.#unpushed += relevant;
    this.#oldestUnpushedAt ??= this.#options.now();
    if (this.#backoff.attempts > 0 || this.#gaveUp) return; // the retry timer is already set, or there is none
    this.#schedule(this.#unpushed >= this.#options.config.batchCommits ? 0 : this.#options.config.interval);
  }

  /** Called after a signed checkpoint: the remote witnesses it at once. */
  checkpointed(): void {
    if (this.#backoff.attempts > 0 || this.#gaveUp) return;
    this.#schedule(0);
  }

  /** Pushes now and resolves when the push (and any queued one) is done. */
  async flush(): Promise<void> {
    this.#schedule(0);
    await this.idle();
  }

  async idle(): Promise<void> {
    await this.#runs.idle();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.idle();
  }

  get unpushed(): number {
    return this.#unpushed;
  }

  status(): SourceStatus {
    // Each branch's last outcome speaks for itself, also while a push of the others runs.
    const problems = [...this.branches]
      .filter(([, result]) => result.outcome === 'rejected' || result.outcome === 'failed')
      .map(([branch, result]) => describeFailure(branch, result));
    if (this.#proofProblem !== null) problems.push(this.#proofProblem);
    if (!this.#prepared && this.lastError !== null) problems.unshift(this.lastError);
    const lag =
      this.#oldestUnpushedAt === null
        ? undefined
        : Math.max(0, Math.round((this.#options.now() - this.#oldestUnpushedAt) / 1000));
    const lagging = lag !== undefined && lag * 1000 > 2 * this.#options.config.interval + 5_000;
    return {
      id: `mirror/${this.name}`,
      state:
        problems.length > 0
          ? 'failing'
          : this.lastSuccessAt === null && this.#runs.running
            ? 'starting'
            : lagging
              ? 'lagging'
              : 'up',
      ...(this.lastSuccessAt !== null ? { lastSuccessAt: this.lastSuccessAt } : {}),
      ...(problems.length > 0 ? { lastError: problems.join('; ') } : {}),
      ...(lag !== undefined ? { lagSeconds: lag } : {}),
    };
  }

  #schedule(delay: number): void {
    if (this.#stopped || this.#gaveUp) return;
    if (delay <= 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#kick();
      return;
    }
    const at = this.#options.now() + delay;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#kick();
    }, delay);
  }

  #kick(): void {
    if (!this.#gaveUp) this.#runs.request();
  }

  async #run(): Promise<void> {
    const { config, log, now } = this.#options;
    const counted = this.#unpushed;
    let failed: string | null = null;
    if (!this.#prepared && this.#options.prepare) {
      try {
        await this.#options.prepare();
        this.#prepared = true;
      } catch (error) {
        failed = error instanceof Error ? error.message : String(error);
        // Our own setup errors say whether retrying helps (a missing repository with
        // github.create false does not); anything else is retried.
        if (error instanceof GitrailError && !error.retryable) {
          this.#gaveUp = true;
          this.lastError = `${failed}; not retried until gitrail restarts`;
          log.error(
            { mirror: this.name, error: failed },
            'mirror remote cannot be prepared; not retrying until gitrail restarts',
          );
          return;
        }
      }
    } else this.#prepared = true;
    if (failed === null) {
      // First the checkpoints and archived periods: a new activity period replaces the remote's
      // activity only once the old one is kept there as an archive.
      const proof = await pushProof({
        gitdir: this.#options.gitdir,
        url: this.#options.url,
        username: config.username,
        token: this.#options.token,
        pushed: this.#proofPushed,
      });
      if (proof.kind === 'rejected' || proof.kind === 'failed') {
        this.#proofProblem = `checkpoints: ${proof.kind === 'rejected' ? 'push rejected' : 'push failed'}: ${proof.message}`;
        failed = this.#proofProblem;
        log.error(
          { mirror: this.name, outcome: proof.kind, message: proof.message },
          'checkpoint push did not succeed',
        );
      } else {
        this.#proofProblem = null;
        this.#proofPushed = proof.snapshot;
        if (proof.kind === 'pushed')
          log.info({ mirror: this.name, created: proof.created, deleted: proof.deleted }, 'checkpoints mirrored');
      }
      for (const branch of config.branches) {
        const started = now();
        const result = await pushBranch({
          transport: config.transport,
          gitdir: this.#options.gitdir,
          url: this.#options.url,
          branch,
          username: config.username,
          token: this.#options.token,
          cache: this.#cache,
        });
        const outcome: BranchOutcome = {
          outcome: result.kind,
          sha: 'sha' in result ? result.sha : null,
          message: 'message' in result ? result.message : null,
          at: started,
          durationMs: now() - started,
        };
        this.branches.set(branch, outcome);
        this.#options.onPush?.(branch, outcome);
        if (result.kind === 'rejected' || result.kind === 'failed') {
          failed = describeFailure(branch, outcome);
          log.error(
            { mirror: this.name, branch, outcome: result.kind, message: result.message },
            'mirror push did not succeed',
          );
        } else if (result.kind === 'pushed') {
          log.info({ mirror: this.name, branch, sha: result.sha, durationMs: outcome.durationMs }, 'mirrored');
        }
      }
    }
    if (failed === null) {
      this.#backoff.reset();
      this.lastError = null;
      this.lastSuccessAt = now();
      this.#unpushed = Math.max(0, this.#unpushed - counted);
      this.#oldestUnpushedAt = this.#unpushed > 0 ? now() : null;
      if (this.#unpushed > 0) this.#schedule(this.#unpushed >= config.batchCommits ? 0 : config.interval);
      return;
    }
    this.lastError = failed;
    const delay = this.#backoff.next();
    log.warn({ mirror: this.name, retryInMs: delay }, 'mirror will retry');
    this.#schedule(delay);
  }
}
