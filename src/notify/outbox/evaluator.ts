// The evaluation loop: walks each branch from its flushed head back to the outbox cursor,
// runs the policies over the commits not yet evaluated, oldest first, and records the matches
// (outbox/record.ts), advancing the cursor in the same transaction. The ledger's listener only
// wakes it, so the ledger never waits; a crash loses nothing because the commits are already
// in the index and the cursor has not moved past them.
import type { Logger } from 'pino';
import { LedgerError } from '../../domain/errors.ts';
import { parsePreviousPeriod } from '../../ledger/periods.ts';
import type { CommitInput, CompiledPolicy } from '../../policy/compile.ts';
import { evaluateCommit, type LoadDocuments } from '../../policy/evaluate.ts';
import type { BuildItem } from '../items.ts';
import { type RunOutcome, SerialRun } from '../../sources/runtime/serial-run.ts';
import type { OutboxDb } from './outbox-db.ts';
import { recordCommits, type EvaluatedCommit, type EvaluatedMatch, type RecordResult } from './record.ts';

/** Commits evaluated before their matches are recorded in one transaction. */
const CHUNK = 200;

export interface EvaluatorOptions {
  readonly db: OutboxDb;
  /** By name, in evaluation order. */
  readonly policies: ReadonlyMap<string, CompiledPolicy>;
  readonly getCommit: (sha: string) => CommitInput | null;
  /** The flushed branch heads (the index's, not unflushed ones). */
  /** By branch name (`activity-<rule>` lines too): each has its own cursor. */
  readonly heads: () => ReadonlyMap<string, string>;
  readonly loadDocuments: LoadDocuments;
  readonly buildItem: BuildItem;
  readonly now: () => number;
  readonly log: Logger;
  readonly onRecorded: (result: RecordResult & { matches: readonly EvaluatedMatch[] }) => void;
  /** Wait before evaluating again after a failure (ms). */
  readonly retryMs?: number;
}

export class Evaluator {
  readonly #options: EvaluatorOptions;
  readonly #policies: readonly CompiledPolicy[];
  readonly #runs = new SerialRun(() => this.#evaluatePending());
  #stopped = false;
  lastError: string | null = null;
  lastSuccessAt: number | null = null;

  constructor(options: EvaluatorOptions) {
    this.#options = options;
    this.#policies = [...options.policies.values()];
  }

  /** On first use with existing history, notifications start at the current heads. */
  start(): void {
    const { db, heads, log } = this.#options;
    for (const [branch, head] of heads()) {
      if (db.cursor(branch) === null) {
        db.setCursor(branch, head);
        log.info({ branch, head }, 'notifications start after the current head');
      }
    }
    this.wake();
  }

  wake(): void {
    if (!this.#stopped) this.#runs.request();
  }

  /** Resolves when everything flushed so far has been evaluated (or evaluation failed). */
  async idle(): Promise<void> {
    await this.#runs.idle();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#runs.stop();
  }

  /** One run; after a failure the next waits `retryMs` (wakes meanwhile join that retry). */
  async #evaluatePending(): Promise<RunOutcome> {
    try {
      await this.#drain();
      this.lastError = null;
      this.lastSuccessAt = this.#options.now();
      return this.#stopped ? 'halt' : 'done';
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.#options.log.error({ err: error }, 'policy evaluation failed; will retry');
      return { retryInMs: this.#options.retryMs ?? 5_000 };
    }
  }

  /**
   * The commits after the cursor, oldest first; 'lost' when the walk reached the root without
   * meeting the cursor (the repository was replaced); 'unindexed' when a commit is not in the
   * index yet. The walk reads each commit; the oldest CHUNK are kept for the first chunk to
   * evaluate, the others (a long backlog) are read again chunk by chunk, so memory stays bounded.
   * An activity period's root names the closed period's head (`Previous-Period:`): with a
   * cursor, the walk goes on there, so the first commits of a new period are not skipped.
   */
  #pending(branch: string, head: string): Array<{ sha: string; commit: CommitInput | null }> | 'lost' | 'unindexed' {
    const cursor = this.#options.db.cursor(branch);
    const pending: Array<{ sha: string; commit: CommitInput | null }> = [];
    let sha: string | null = head;
    let crossed = false;
    while (sha !== null && sha !== cursor) {
      const commit = this.#options.getCommit(sha);
      // A closed period retention already removed from the index: the cursor is not to be found.
      if (!commit) return crossed ? 'lost' : 'unindexed';
      pending.push({ sha, commit });
      if (pending.length > CHUNK) (pending[pending.length - 1 - CHUNK] as { commit: CommitInput | null }).commit = null;
      const previous: { period: string; head: string } | null =
        commit.parent === null && cursor !== null
          ? parsePreviousPeriod(commit.trailers['Previous-Period'] ?? '')
          : null;
      crossed ||= previous !== null;
      sha = commit.parent ?? previous?.head ?? null;
    }
    return sha === cursor ? pending.reverse() : 'lost';
  }

  async #drain(): Promise<void> {
    const { db, log } = this.#options;
    for (const [branch, head] of this.#options.heads()) {
      const pending = this.#pending(branch, head);
      if (pending === 'unindexed')
        throw new LedgerError(`commit history of ${branch} is not fully in the index yet`, { retryable: true });
      if (pending === 'lost') {
        log.warn(
          { branch, head, cursor: db.cursor(branch) },
          'notification cursor is not in the history; restarting at the head',
        );
        db.setCursor(branch, head);
        continue;
      }
      for (let start = 0; start < pending.length; start += CHUNK) {
        if (this.#stopped) return;
        const chunk: EvaluatedCommit[] = [];
        for (const { sha, commit } of pending.slice(start, start + CHUNK))
          chunk.push(await this.#evaluate(commit ?? (this.#options.getCommit(sha) as CommitInput), branch));
        const result = recordCommits(db, chunk, this.#options.now());
        const matches = chunk.flatMap((entry) => entry.matches);
        if (matches.length > 0) this.#options.onRecorded({ ...result, matches });
      }
    }
  }

  /** `branch`: the branch whose cursor the commit moves (a retention rule's line keeps its own). */
  async #evaluate(commit: CommitInput, branch: string): Promise<EvaluatedCommit> {
    const { policies, loadDocuments, buildItem } = this.#options;
    const found = await evaluateCommit(this.#policies, commit, loadDocuments);
    const matches: EvaluatedMatch[] = [];
    for (const match of found)
      matches.push({
        match,
        noise: (policies.get(match.policy) as CompiledPolicy).noise,
        item: await buildItem(commit, match),
      });
    return { commit: { sha: commit.sha, branch }, matches };
  }
}
