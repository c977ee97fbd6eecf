// Group commit for the index (issue 12). Committing every flushed batch rewrote the same B-tree
// pages (event keys, object ids and paths land at random places) into the WAL hundreds of times
// in a backfill, and each lookup outside a transaction paid for a read transaction of its own
// (locks taken and released with system calls). Now the writer's lookups share one read
// snapshot, and large batches join one write transaction until it holds enough commits or is
// old enough, each batch atomic by itself (a savepoint). A crash loses at most the open group:
// the index then lags the refs, never leads them, and the next start indexes the missing commits
// from git (reindex.ts catchUpIndex). Only the ledger writes the index while it runs (it holds
// the data folder's lock), so the snapshot misses nothing.
import type { DatabaseSync } from 'node:sqlite';
import { holdGroup, releaseGroup } from './transaction.ts';

export interface GroupLimits {
  /** A group commits once it holds this many commits. */
  readonly commits: number;
  /** A group (or a snapshot) ends once it is this old, also when the writer goes quiet. */
  readonly millis: number;
  /** A batch of fewer commits (a daemon's trickle, a test) commits at once, with its group. */
  readonly smallBatch: number;
}

export const GROUP_LIMITS: GroupLimits = { commits: 4000, millis: 2000, smallBatch: 100 };

interface Open {
  /** 'read': a snapshot for lookups; 'write': a group of batches holding the write lock. */
  kind: 'read' | 'write';
  began: number;
  commits: number;
  timer: NodeJS.Timeout;
}

export class GroupCommit {
  readonly #db: DatabaseSync;
  readonly #limits: GroupLimits;
  #open: Open | null = null;
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

  /** Before a lookup: makes sure a transaction is open, so lookups share one snapshot. */
  read(): void {
    this.check();
    if (!this.#open && !this.#db.isTransaction) this.#begin('read');
  }

  /** Runs `work` (a batch of `commits` commits) atomically in the open group, opening one when none is. */
  run(commits: number, work: () => void): void {
    this.check();
    if (this.#open?.kind === 'read') this.settle();
    const open = this.#open ?? this.#begin('write');
    const db = this.#db;
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

  /** Commits the open group (or ends the snapshot), if any. */
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
      if (open.kind === 'read') throw error;
      this.#failure = new Error(
        `index.db: recorded batches were lost (${(error as Error).message}); gitrail indexes them from the ` +
          'repository when it next starts',
        { cause: error },
      );
      throw this.#failure;
    }
  }

  #begin(kind: Open['kind']): Open {
    this.#db.exec(kind === 'read' ? 'BEGIN' : 'BEGIN IMMEDIATE');
    const timer = setTimeout(() => this.#settleLater(), this.#limits.millis);
    timer.unref();
    const open = { kind, began: Date.now(), commits: 0, timer };
    this.#open = open;
    holdGroup(this.#db, () => this.settle());
    return open;
  }

  #settleLater(): void {
    try {
      this.settle();
    } catch {
      // Kept in #failure: the next call on the index throws it.
    }
  }
}
