// What the ledger takes and answers (its options, a prepared change, an outcome) and the key a
// record is deduplicated by: imported by the ledger's callers without the ledger itself.
import type { Logger } from 'pino';
import type { Actor, ChangeRecord } from '../domain/change.ts';
import type { IdentitiesConfig } from '../identities/mailmap.ts';
import { commitEventKey, eventKey } from '../index/index-db.ts';
import type { KeyFile } from '../signing/key-store.ts';
import type { ActivityLine } from './activity-periods.ts';
import { writtenTrailers } from './commit-message.ts';
import type { PeriodUnit } from './periods.ts';
import type { RenderedBlob } from './render.ts';

export type Outcome = 'committed' | 'activity' | 'unchanged' | 'duplicate' | 'late' | 'untracked';

export interface ApplyResult {
  readonly outcome: Outcome;
  readonly sha?: string;
}

/** A change record with its `put` document already rendered (possibly by a worker thread). */
export interface PreparedChange {
  readonly record: ChangeRecord;
  readonly rendered?: RenderedBlob;
}

export interface LedgerOptions {
  readonly dataDir: string;
  readonly committer?: Actor;
  readonly now?: () => number;
  /** Commits per pack flush. */
  readonly flushEvery?: number;
  /** Paths whose last change time the writer keeps in memory past a flush (default 100k); the index holds all. */
  readonly lastTimesKept?: number;
  /** Run maintenance once the repository holds this many packs. */
  readonly maxPacks?: number;
  /**
   * Only roll packs together (geometric repack), also at close(): no full repack in this run. For
   * bulk ingest: the render worker needs the second core, and a full repack of a fresh backfill
   * only copies the writer's deltas (issue 12, 100k resources: 63 s and 700 MB RSS for a pack no
   * smaller than the geometric roll-up's, which took 5 s). The daemon repacks fully when due.
   */
  readonly deferFullRepack?: boolean;
  /** People and their author e-mails, written as the repository's mailmap (absent: left as it is). */
  readonly identities?: IdentitiesConfig;
  /** Writes activity in periods of this length (retention, issue 11); null or absent: one chain. */
  readonly activityPeriod?: PeriodUnit | null;
  /** Per-source retention rules: activity they match goes to `activity-<rule>`, in its own periods. */
  readonly activityLines?: readonly ActivityLine[];
  /** Memory for remembering current documents (to describe what the next change changes). */
  readonly docCacheBytes?: number;
  /**
   * The key every commit is signed with (issue 11), loaded once the writer lock is held: the
   * file named (signing.keyFile), else `<data>/keys/signing.key`, created on first use; its
   * principal defaults to the committer's email. Null writes unsigned commits (benchmarks only).
   */
  readonly signing?: { readonly file?: KeyFile | null; readonly principal?: string } | null;
  readonly log?: Logger;
}

/**
 * A record's idempotency key, from the trailers its commit will carry, as the index reads them
 * (also after a rebuild). A record without `Event-ID:` has no key the index can keep: its own
 * fields key it, which dedupes only until the next flush.
 */
export function recordKey(record: ChangeRecord): string {
  return (
    commitEventKey(writtenTrailers(record.trailers), record.path) ??
    eventKey(record.source, record.eventId, record.path)
  );
}

export const DEFAULT_COMMITTER: Actor = { name: 'gitrail', email: 'gitrail@localhost' };
