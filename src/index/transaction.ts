// One SQLite write transaction for gitrail's databases (the index, the outbox): BEGIN
// IMMEDIATE takes the write lock up front, so a busy reader never turns it into a deadlock.
import type { DatabaseSync } from 'node:sqlite';

/** Runs `work` in a write transaction: committed when it returns, rolled back when it throws. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
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
