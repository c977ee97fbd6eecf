// The journal's checkpoint file (`<journal>/checkpoint`): the last seq the ledger committed,
// written durably; a missing file means nothing is committed yet. Written off the event loop
// (its two fsyncs run on libuv's pool), so intake requests are not held up by them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurablyAsync } from '../ledger/durable-file.ts';
import { JournalError } from './errors.ts';

const CHECKPOINT = 'checkpoint';

export function readCheckpoint(dir: string): number {
  try {
    const value = Number(JSON.parse(readFileSync(join(dir, CHECKPOINT), 'utf8')).seq);
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw new JournalError(`${join(dir, CHECKPOINT)}: no valid seq`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    if (error instanceof JournalError) throw error;
    throw new JournalError(`${join(dir, CHECKPOINT)}: unreadable`, { cause: error });
  }
}

/** Replaces the checkpoint with `seq`: after a crash the file holds the old or the new one, whole. */
export function writeCheckpoint(dir: string, seq: number): Promise<void> {
  return writeFileDurablyAsync(join(dir, CHECKPOINT), `${JSON.stringify({ seq })}\n`);
}
