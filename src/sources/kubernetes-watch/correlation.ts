// Which audit fact explains a change the watch saw, on unambiguous evidence only: the fact of
// the object's uid and resourceVersion; else the one actor whose facts (audit events without
// an object, admission reviews) fall in the window, when no other write is seen after them.
// Anything else is `ambiguous`: the change stays unresolved and names the candidates.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AttributionFact, Trailers } from '../../domain/change.ts';
import { type FactRow, factFromRow } from '../../index/fact-store.ts';

/** Audit timestamps, watch arrival and managedFields come from different clocks; this far apart still counts. */
export const CLOCK_SKEW_MS = 2000;

/** More candidates than this are not listed one by one. */
const MAX_CANDIDATES = 20;

const DELETE_VERBS = new Set(['delete', 'deletecollection']);

export type Correlation =
  | { readonly kind: 'correlated'; readonly fact: AttributionFact }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly AttributionFact[] }
  | { readonly kind: 'none' };

export interface CorrelationQuery {
  readonly path: string;
  readonly uid: string | undefined;
  readonly resourceVersion: string | undefined;
  /** When the watch saw the change. */
  readonly at: number;
  readonly windowMs: number;
  /** A delete is only explained by a delete fact, and any other change only by another verb. */
  readonly forDelete: boolean;
  /** The file's last recorded change (author time): a fact at or before it explains that change, not this one. */
  readonly recordedUntil: number | null;
  /** When a recorded field was last written according to managedFields; null when unknown. */
  readonly lastWrite: number | null;
}

/** Reads the index's facts table (written by IndexDb.recordFacts). */
export class FactLookup {
  readonly #byVersion: StatementSync;
  readonly #near: StatementSync;

  constructor(db: DatabaseSync) {
    this.#byVersion = db.prepare('SELECT * FROM facts WHERE uid = ? AND resource_version = ? ORDER BY time DESC');
    this.#near = db.prepare(
      'SELECT * FROM facts WHERE path = ? AND time <= ? AND time >= ? ORDER BY time DESC, event_id LIMIT ?',
    );
  }

  correlate(query: CorrelationQuery): Correlation {
    const fits = (fact: AttributionFact): boolean => DELETE_VERBS.has(fact.verb) === query.forDelete;
    if (query.uid && query.resourceVersion) {
      const rows = this.#byVersion.all(query.uid, query.resourceVersion) as unknown as FactRow[];
      const exact = rows.map(factFromRow).find(fits);
      if (exact) return { kind: 'correlated', fact: exact };
    }
    const rows = this.#near.all(
      query.path,
      query.at + CLOCK_SKEW_MS,
      query.at - query.windowMs - CLOCK_SKEW_MS,
      MAX_CANDIDATES,
    ) as unknown as FactRow[];
    const candidates = rows
      .map(factFromRow)
      .filter(fits)
      // A fact about another object under the same name, or another version of this one.
      .filter((fact) => !(fact.uid && query.uid && fact.uid !== query.uid))
      .filter(
        (fact) => !(fact.resourceVersion && query.resourceVersion && fact.resourceVersion !== query.resourceVersion),
      )
      // The repository already holds a state from after it: it explained that change.
      .filter((fact) => query.recordedUntil === null || fact.time > query.recordedUntil);
    const newest = candidates[0];
    if (!newest) return { kind: 'none' };
    const actors = new Set(candidates.map((fact) => fact.actor.email));
    // A recorded field written clearly after the fact: someone else wrote last.
    const writtenLater = query.lastWrite !== null && query.lastWrite > newest.time + CLOCK_SKEW_MS;
    if (actors.size === 1 && !writtenLater) return { kind: 'correlated', fact: newest };
    return { kind: 'ambiguous', candidates };
  }
}

function instant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The `Attribution-Candidates:` trailer of an unresolved change: every actor a fact in the
 * window names, newest first, as `<actor> (<verb> <time>, event <Event-ID>)`, `; `-separated.
 */
export function candidatesTrailer(candidates: readonly AttributionFact[]): Trailers {
  const listed = candidates.map(
    (fact) => `${fact.actor.name} (${fact.verb} ${instant(fact.time)}, event ${fact.eventId})`,
  );
  return listed.length === 0 ? [] : [['Attribution-Candidates', listed.join('; ')]];
}
