// The persisted position of one region's poll in `<stateDir>/<region>.json`: where the last
// complete window ended and the EventIds seen in the overlap the next window re-reads.
// Saved only after the batch is committed.
import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonState, saveJsonState } from '../runtime/json-state.ts';
import { pruneSeen } from '../runtime/seen.ts';

const CheckpointFile = z.object({
  version: z.literal(1),
  /** Epoch ms: every event before this has been read (up to the overlap). */
  until: z.number().int().nonnegative(),
  /** EventId → event time (epoch ms) of events at or after `until - overlap`. */
  seen: z.record(z.string(), z.number()),
});
export type Checkpoint = z.infer<typeof CheckpointFile>;

export function checkpointPath(stateDir: string, region: string): string {
  return join(stateDir, `${region}.json`);
}

/** The checkpoint, or null before the first complete poll; a corrupt file is an error naming it. */
export function loadCheckpoint(path: string): Checkpoint | null {
  return loadJsonState(path, CheckpointFile, 'CloudTrail checkpoint');
}

export function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  saveJsonState(path, checkpoint);
}

/** The checkpoint after a window ending at `until`: ids seen before `until - overlap` can no longer come back. */
export function advanceCheckpoint(
  previous: Checkpoint | null,
  until: number,
  overlapMs: number,
  seen: ReadonlyMap<string, number>,
): Checkpoint {
  return { version: 1, until, seen: pruneSeen(previous?.seen, seen, until - overlapMs) };
}
