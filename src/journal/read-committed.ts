// Reads, without changing anything, the journal entries still on disk that the journal counts
// as committed (seq ≤ its checkpoint): what `gitrail verify --data` checks against the index.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeBatch } from '../domain/batch.ts';
import { decodeEntry } from './codec.ts';
import { listSegments } from './segments.ts';

/** The journal's committed sequence (its `checkpoint` file), or null without a journal. */
export function readCommittedSeq(dir: string): number | null {
  const path = join(dir, 'checkpoint');
  if (!existsSync(path)) return existsSync(dir) ? 0 : null;
  const seq = Number((JSON.parse(readFileSync(path, 'utf8')) as { seq: unknown }).seq);
  return Number.isSafeInteger(seq) ? seq : null;
}

/** Each committed entry still on disk, in order. */
export function* committedEntries(dir: string, upTo: number): Iterable<{ seq: number; batch: ChangeBatch }> {
  if (!existsSync(dir)) return;
  for (const segment of listSegments(dir)) {
    if (segment.firstSeq > upTo) break;
    const buffer = readFileSync(segment.path);
    for (let offset = 0; offset < buffer.length; ) {
      const entry = decodeEntry(buffer, offset);
      if (entry.kind !== 'entry' || entry.seq > upTo) break;
      yield { seq: entry.seq, batch: JSON.parse(entry.payload.toString('utf8')) as ChangeBatch };
      offset += entry.size;
    }
  }
}
