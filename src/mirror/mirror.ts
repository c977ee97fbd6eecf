// One mirror remote: brings it level with the ledger's branches, checkpoints and archived periods
// (push-proof.ts), in batches (at most every `interval`, or at once when `batchCommits` are new,
// or at once after a checkpoint), never forced.
// A failed or refused attempt is retried after its backoff and never sooner (SerialRun), except
// a setup error retrying cannot fix (a missing repository it may not create). Each refused ref
// keeps the remote's message, so it shows in status, metrics and the viewer instead of hiding.
import type { Logger } from 'pino';
import type { Branch } from '../domain/change.ts';
import { GitrailError } from '../domain/errors.ts';
import { Backoff } from '../sources/runtime/backoff.ts';
import { type RunOutcome, SerialRun } from '../sources/runtime/serial-run.ts';
import type { SourceStatus } from '../sources/source.ts';
import type { MirrorConfig } from './config.ts';
import { readLocalRefs } from './local-refs.ts';
import { shortRef, type RefResult } from './plan.ts';
import { gitCliTransport } from './push-git.ts';
import { isomorphicGitTransport } from './push-iso.ts';
import { pushProof } from './push-proof.ts';
import { type Attempt, pushMirror, type PushTransport, type TransportName } from './push.ts';

/** Why an attempt did not get its refs to the remote. */
export type FailureReason = 'auth' | 'remote' | 'setup';

export interface AttemptReport {
  readonly outcome: 'ok' | 'rejected' | FailureReason;
  readonly results: readonly RefResult[];
  /** The configured branches the remote now holds at the local head (null: no such branch here yet). */
  readonly level: ReadonlyMap<Branch, string | null>;
  readonly durationMs: number;
}

export interface MirrorOptions {
  readonly name: string;
  readonly url: string;
  readonly config: MirrorConfig;
  readonly transport: TransportName;
  readonly gitdir: string;
  readonly token: string | null;
  readonly log: Logger;
  readonly now: () => number;
  /** Prepares the remote before the first push (creates the GitHub repository). */
  readonly prepare?: () => Promise<void>;
  readonly onAttempt?: (report: AttemptReport) => void;
}

export class Mirror {
  readonly name: string;
  readonly transport: TransportName;
  /** Refs the remote refused, with its message (from the last attempt that offered them). */
  readonly rejected = new Map<string, string>();
  /** Why the last attempt failed before its refs were offered; null when it got that far. */
  failure: { readonly reason: FailureReason; readonly message: string } | null = null;
  lastSuccessAt: number | null = null;
  readonly #options: MirrorOptions;
  readonly #push: PushTransport;
  readonly #backoff: Backoff;
  readonly #runs = new SerialRun(() => this.#run());
  #unpushed = 0;
  #oldestUnpushedAt: number | null = null;
  #prepared = false;
  /** Why the checkpoints and archived periods could not be pushed, when they could not. */
  #proofProblem: string | null = null;
  /** The proof refs the remote was last brought up to date with (it is not asked again until they change). */
  #proofPushed: string | null = null;

  constructor(options: MirrorOptions) {
    this.name = options.name;
    this.transport = options.transport;
    this.#options = options;
    const access = {
      gitdir: options.gitdir,
      url: options.url,
      username: options.config.username,
      token: options.token,
    };
    this.#push =
      options.transport === 'git'
        ? gitCliTransport({ ...access, cache: {} })
        : isomorphicGitTransport({ ...access, cache: {} });
    this.#backoff = new Backoff({
      initialMs: options.config.initialBackoff,
      maxMs: options.config.maxBackoff,
      jitter: 0,
    });
  }

  /** Pushes once at start, so a remote that fell behind catches up. */
  start(): void {
    this.#runs.request();
  }

  /** Called with each flushed batch of commits. */
  committed(commits: ReadonlyArray<{ readonly branch: Branch }>): void {
    const { branches, batchCommits, interval } = this.#options.config;
    const relevant = commits.filter((commit) => branches.includes(commit.branch)).length;
    if (relevant === 0) return;
    this.#unpushed += relevant;
    this.#oldestUnpushedAt ??= this.#options.now();
    this.#runs.request(this.#unpushed >= batchCommits ? 0 : interval);
  }

  /** Called after a signed checkpoint: the remote witnesses it at once (unless a retry is pending). */
  checkpointed(): void {
    this.#runs.request();
  }

  /** Pushes now, also while a retry waits, and resolves when the push (and any queued one) is done. */
  async flush(): Promise<void> {
    this.#runs.runNow();
    await this.idle();
  }

  async idle(): Promise<void> {
    await this.#runs.idle();
  }

  async stop(): Promise<void> {
    await this.#runs.stop();
  }

  get unpushed(): number {
    return this.#unpushed;
  }

  status(): SourceStatus {
    const problems = [
      ...(this.failure ? [this.failure.message] : []),
      ...[...this.rejected].map(([ref, message]) => `${shortRef(ref)}: push rejected: ${message}`),
      ...(this.#proofProblem === null ? [] : [this.#proofProblem]),
    ];
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

  /** Prepares the remote once: 'ready', a failure to retry, or 'halt' when retrying cannot help. */
  async #prepare(): Promise<'ready' | 'retry' | 'halt'> {
    const { prepare, log } = this.#options;
    if (!prepare) return 'ready';
    try {
      await prepare();
      return 'ready';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Our own setup errors say whether retrying helps (a missing repository with
      // github.create false does not); anything else is retried.
      const final = error instanceof GitrailError && !error.retryable;
      this.failure = { reason: 'setup', message: final ? `${message}; not retried until gitrail restarts` : message };
      log.error({ mirror: this.name, error: message, retried: !final }, 'mirror remote cannot be prepared');
      return final ? 'halt' : 'retry';
    }
  }

  async #run(): Promise<RunOutcome> {
    const { config, log, now } = this.#options;
    const started = now();
    if (!this.#prepared) {
      const prepared = await this.#prepare();
      if (prepared !== 'ready') {
        this.#options.onAttempt?.({ outcome: 'setup', results: [], level: new Map(), durationMs: now() - started });
        return prepared === 'halt' ? 'halt' : this.#retry();
      }
      this.#prepared = true;
    }
    const counted = this.#unpushed;
    let attempt: Attempt;
    try {
      // First the checkpoints and archived periods: a new activity period replaces the remote's
      // activity only once the old one is kept there as an archive.
      if (!(await this.#pushProof())) return this.#retry();
      attempt = await pushMirror(this.#push, this.#options.gitdir, config.branches);
    } catch (error) {
      // A local fault (the repository's refs unreadable, git gone): retried like a remote one.
      const message = error instanceof Error ? error.message : String(error);
      attempt = { local: new Map(), remote: null, results: [], failure: { reason: 'remote', message, status: null } };
    }
    this.#learn(attempt);
    const durationMs = now() - started;
    for (const result of attempt.results) {
      if (result.kind === 'rejected')
        log.error({ mirror: this.name, ref: result.ref, message: result.message }, 'mirror push did not succeed');
      else log.info({ mirror: this.name, ref: result.ref, outcome: result.kind, durationMs }, 'mirrored');
    }
    if (attempt.failure)
      log.error(
        { mirror: this.name, reason: attempt.failure.reason, message: attempt.failure.message },
        'mirror push did not succeed',
      );
    const outcome = attempt.failure ? attempt.failure.reason : this.rejected.size > 0 ? 'rejected' : 'ok';
    const level = new Map<Branch, string | null>();
    for (const branch of config.branches) {
      const head = attempt.local.get(`refs/heads/${branch}`) ?? null;
      if (head === null || attempt.remote?.get(`refs/heads/${branch}`) === head) level.set(branch, head);
    }
    this.#options.onAttempt?.({ outcome, results: attempt.results, level, durationMs });
    if (outcome !== 'ok') return this.#retry();
    this.#backoff.reset();
    this.lastSuccessAt = now();
    this.#unpushed = Math.max(0, this.#unpushed - counted);
    this.#oldestUnpushedAt = this.#unpushed > 0 ? now() : null;
    if (this.#unpushed > 0) this.#runs.request(this.#unpushed >= config.batchCommits ? 0 : config.interval);
    return 'done';
  }

  /** Takes in what the attempt saw: failures and refused refs. */
  #learn(attempt: Attempt): void {
    this.failure = attempt.failure ? { reason: attempt.failure.reason, message: attempt.failure.message } : null;
    if (!attempt.failure) this.rejected.clear();
    for (const result of attempt.results) {
      if (result.kind === 'rejected') this.rejected.set(result.ref, result.message);
      else this.rejected.delete(result.ref);
    }
  }

  /** Pushes the checkpoints, time-stamps and archived periods; false when they did not all get there. */
  async #pushProof(): Promise<boolean> {
    const { log, now } = this.#options;
    const started = now();
    const proof = await pushProof({
      gitdir: this.#options.gitdir,
      url: this.#options.url,
      username: this.#options.config.username,
      token: this.#options.token,
      pushed: this.#proofPushed,
    });
    if (proof.kind === 'rejected' || proof.kind === 'failed') {
      const what = proof.kind === 'rejected' ? 'push rejected' : 'push failed';
      this.#proofProblem = `checkpoints: ${what}: ${proof.message}`;
      log.error({ mirror: this.name, outcome: proof.kind, message: proof.message }, 'checkpoint push did not succeed');
      this.#options.onAttempt?.({
        outcome: proof.kind === 'rejected' ? 'rejected' : 'remote',
        results: [],
        level: new Map(),
        durationMs: now() - started,
      });
      return false;
    }
    this.#proofProblem = null;
    this.#proofPushed = proof.snapshot;
    if (proof.kind === 'pushed')
      log.info({ mirror: this.name, created: proof.created, deleted: proof.deleted }, 'checkpoints mirrored');
    return true;
  }

  #retry(): RunOutcome {
    const retryInMs = this.#backoff.next();
    this.#options.log.warn({ mirror: this.name, retryInMs }, 'mirror will retry');
    return { retryInMs };
  }
}
