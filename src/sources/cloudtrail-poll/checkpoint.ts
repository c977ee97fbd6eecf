// The persisted position of one region's poll in `<stateDir>/<region>.json`: where the last
// complete window ended and the EventIds seen in the overlap the next window re-reads.
// Written atomically (temp file, fsync, rename) and only after the batch is committed.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../domain/errors.ts';

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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError([`${path}: the CloudTrail checkpoint is not JSON (${(cause as Error).message}); remove it to start again from maxAge`]);
  }
  const result = CheckpointFile.safeParse(parsed);
  if (!result.success) throw new ConfigError([`${path}: the CloudTrail checkpoint is malformed (${result.error.issues[0]?.message}); remove it to start again from maxAge`]);
  return result.data;
}

export function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(checkpoint));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** The checkpoint after a window ending at `until`: ids seen before `until - overlap` can no longer come back. */
export function advanceCheckpoint(previous: Checkpoint | null, until: number, overlapMs: number, seen: ReadonlyMap<string, number>): Checkpoint {
  const keepFrom = until - overlapMs;
  const kept: Record<string, number> = {};
  for (const [id, time] of Object.entries(previous?.seen ?? {})) if (time >= keepFrom) kept[id] = time;
  for (const [id, time] of seen) if (time >= keepFrom) kept[id] = time;
  return { version: 1, until, seen: kept };
}
