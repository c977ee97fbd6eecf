// The persisted position of one cluster's audit poll in `<stateDir>/checkpoint.json`: where the
// last complete slice ended and the audit events recorded in the overlap the next poll re-reads,
// so none is recorded twice. Written durably (temp file, fsync, rename) only after the slice is
// committed; a crash before that re-reads the slice, and the ledger refuses what it already has.
import { z } from 'zod';
import { checkpointStore } from '../runtime/cluster-poller.ts';
import { pruneSeen } from '../runtime/seen.ts';

/**
 * Most ids a checkpoint keeps (the newest). The overlap of a busy cluster can hold more: the
 * older ones are then read again, and the ledger's key (Source, Event-ID, path) makes their
 * changes duplicates, so the bound costs work, never a second commit.
 */
export const MAX_SEEN = 20_000;

const CheckpointFile = z.object({
  version: z.literal(1),
  /** Epoch ms: every event with an earlier timestamp has been read (up to the overlap). */
  until: z.number().int().nonnegative(),
  /** `<auditID>/<stage>` (or `log-event/<eventId>` of a refused one) → log event time, ms. */
  seen: z.record(z.string(), z.number()),
});
export type Checkpoint = z.infer<typeof CheckpointFile>;

export { checkpointPath } from '../runtime/cluster-poller.ts';

export const checkpointFile = checkpointStore(CheckpointFile, 'EKS audit checkpoint');
/** The checkpoint, or null before the first complete slice; a corrupt file is an error naming it. */
export const loadCheckpoint = checkpointFile.load;

/** The checkpoint after a slice ending at `until`: ids older than `until - overlap` cannot come back. */
export function advanceCheckpoint(
  previous: Checkpoint | null,
  until: number,
  overlapMs: number,
  seen: ReadonlyMap<string, number>,
  maxSeen = MAX_SEEN,
): Checkpoint {
  const kept = pruneSeen(previous?.seen, seen, until - overlapMs);
  const ids = Object.entries(kept);
  if (ids.length <= maxSeen) return { version: 1, until, seen: kept };
  ids.sort((a, b) => b[1] - a[1]);
  return { version: 1, until, seen: Object.fromEntries(ids.slice(0, maxSeen)) };
}
