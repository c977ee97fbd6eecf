// Group commit for the index (issue 12): the writer records each flush as its own batch, but
// committing every batch rewrote the same B-tree pages (event keys, object ids and paths land
// at random places) into the WAL hundreds of times in a backfill. Batches now join one write
// transaction until it holds enough commits or is old enough, each batch atomic by itself (a
// savepoint). A crash loses at most the open group: the index then lags the refs, never leads
// them, and the next start indexes the missing commits from git (reindex.ts catchUpIndex).
import type { DatabaseSync } from 'node:sqlite';
import { holdGroup, releaseGroup } from './transaction.ts';

export interface GroupLimits {
  /** A group commits once it holds this many commits. */
  readonly commits: number;
  /** A group commits once it is this old (also when the writer goes quiet). */
  readonly millis: number;
  /** A batch of fewer commits (a daemon's trickle, a test) commits at once, with its group. */
  readonly smallBatch: number;
}

export const GROUP_LIMITS: GroupLimits = { commits: 4000, millis: 1000, smallBatch: 100 };

export class GroupCommit {
  readonly #db: DatabaseSync;
  readonly #limits: GroupLimits;
  #open: { began: number; commits: number; timer: NodeJS.Timeout } | null = null;
  /** Why a group failed to commit: batches callers were told were recorded are gone. */
  #failure: Error | null = null;

  constructor(db: DatabaseSync, limits: GroupLimits = GROUP_LIMITS) {
    this.#db = db;
    this.#limits = limits;
  }

  /** Throws once a group failed to commit: the index no longer holds what its callers recorded. */
  check(): void {
    if (this.#failure) throw this.#failure;
  }

  /** Runs `work` (a batch of `commits` commits) atomically in the open group, opening one when none is. */
  run(commits: number, work: () => void): void {
    this.check();
    const db = this.#db;
    let open = this.#open;
    if (!open) {
      db.exec('BEGIN IMMEDIATE');
      const timer = setTimeout(() => this.#settleLater(), this.#limits.millis);
      timer.unref();
      open = { began: Date.now(), commits: 0, timer };
      this.#open = open;
      holdGroup(db, () => this.settle());
    }
    db.exec('SAVEPOINT batch');
    try {
      work();
      db.exec('RELEASE batch');
    } catch (error) {
      db.exec('ROLLBACK TO batch');
      db.exec('RELEASE batch');
      throw error;
    }
    open.commits += commits;
    const limits = this.#limits;
    if (commits < limits.smallBatch || open.commits >= limits.commits || Date.now() - open.began >= limits.millis) {
      this.settle();
    }
  }

  /** Commits the open group, if any. */
  settle(): void {
    const open = this.#open;
    if (!open) return;
    clearTimeout(open.timer);
    this.#open = null;
    releaseGroup(this.#db);
    try {
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      this.#failure = new Error(
        `index.db: recorded batches were lost (${(error as Error).message}); gitrail indexes them from the ` +
          'repository when it next starts',
        { cause: error },
      );
      throw this.#failure;
    }
  }

  #settleLater(): void {
    try {
      this.settle();
    } catch {
      // Kept in #failure: the next call on the index throws it.
    }
  }
}
