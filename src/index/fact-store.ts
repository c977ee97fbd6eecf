// Attribution facts in the index (the `facts` table): who touched which object, from audit events
// that carry no state and from admission reviews, kept long enough to explain a change a watch or
// a scrape sees later. IndexDb exposes them as recordFacts and findFact.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AttributionFact, Trailers } from '../domain/change.ts';
import { inTransaction } from './transaction.ts';

/**
 * Facts this much older than the newest one recorded are forgotten: a watch sees a change
 * seconds after its audit event, a resync after an outage finds a deletion days later at most.
 */
export const FACT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface FactQuery {
  readonly path: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly time: number;
  readonly windowMs: number;
}

/** A row of the facts table as SQLite returns it. */
export type FactRow = {
  cluster: string;
  path: string;
  uid: string | null;
  resource_version: string | null;
  time: number;
  actor_name: string;
  actor_email: string;
  verb: string;
  event_id: string;
  trailers: string;
};

type FoundFact = AttributionFact & { match: 'uid' | 'window' };

/** The fact a row of the facts table holds. */
export function factFromRow(row: FactRow): AttributionFact {
  return {
    cluster: row.cluster,
    path: row.path,
    ...(row.uid ? { uid: row.uid } : {}),
    ...(row.resource_version ? { resourceVersion: row.resource_version } : {}),
    time: row.time,
    actor: { name: row.actor_name, email: row.actor_email },
    verb: row.verb,
    eventId: row.event_id,
    trailers: JSON.parse(row.trailers) as Trailers,
  };
}

function toFact(row: FactRow, match: 'uid' | 'window'): FoundFact {
  return { ...factFromRow(row), match };
}

export class FactStore {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #byVersion: StatementSync;
  readonly #near: StatementSync;
  readonly #prune: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO facts(cluster, path, uid, resource_version, time, actor_name, actor_email, verb, event_id,
         trailers)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#byVersion = db.prepare(
      'SELECT * FROM facts WHERE uid = ? AND resource_version = ? ORDER BY time DESC LIMIT 1',
    );
    this.#near = db.prepare(
      'SELECT * FROM facts WHERE path = ? AND time <= ? AND time >= ? ORDER BY time DESC LIMIT 1',
    );
    this.#prune = db.prepare('DELETE FROM facts WHERE time < ?');
  }

  /**
   * Stores the facts, and forgets those FACT_RETENTION_MS older than the newest of them (never
   * counting from a time past the clock): they can no longer explain a change.
   */
  record(facts: readonly AttributionFact[]): void {
    if (facts.length === 0) return;
    let newest = Number.NEGATIVE_INFINITY;
    inTransaction(this.#db, () => {
      for (const fact of facts) {
        this.#insert.run(
          fact.cluster,
          fact.path,
          fact.uid ?? null,
          fact.resourceVersion ?? null,
          fact.time,
          fact.actor.name,
          fact.actor.email,
          fact.verb,
          fact.eventId,
          JSON.stringify(fact.trailers),
        );
        newest = Math.max(newest, fact.time);
      }
      if (Number.isFinite(newest)) this.#prune.run(Math.min(newest, Date.now()) - FACT_RETENTION_MS);
    });
  }

  /**
   * The fact that explains a change: the same object uid and resourceVersion, else the newest
   * fact for the same path within `windowMs` before `time`.
   */
  find(query: FactQuery): FoundFact | null {
    if (query.uid && query.resourceVersion) {
      const exact = this.#byVersion.get(query.uid, query.resourceVersion) as FactRow | undefined;
      if (exact) return toFact(exact, 'uid');
    }
    const near = this.#near.get(query.path, query.time, query.time - query.windowMs) as FactRow | undefined;
    return near ? toFact(near, 'window') : null;
  }
}
