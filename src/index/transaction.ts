// One SQLite write transaction for gitrail's databases (the index, the outbox): BEGIN
// IMMEDIATE takes the write lock up front, so a busy reader never turns it into a deadlock.
// A database may also hold a group of batches open (IndexDb's group commit): any other
// transaction on it first commits that group, so it stays as durable as it was.
import type { DatabaseSync } from 'node:sqlite';

/** Databases with a group of batches open, and how to commit it. */
const openGroups = new WeakMap<DatabaseSync, () => void>();

/** Marks `db` as holding a group open (its write transaction); `commit` ends it. */
export function holdGroup(db: DatabaseSync, commit: () => void): void {
  openGroups.set(db, commit);
}

/** Forgets the group of `db` (committed or rolled back). */
export function releaseGroup(db: DatabaseSync): void {
  openGroups.delete(db);
}

/** Commits the group `db` holds open, if any. */
export function settleGroup(db: DatabaseSync): void {
  openGroups.get(db)?.();
}

/** Runs `work` in a write transaction: committed when it returns, rolled back when it throws. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  settleGroup(db);
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
