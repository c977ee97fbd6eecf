// Reading a journal segment (journal.ts): the entries from an offset, decoded and their batches
// parsed, stopping at a count or byte limit, at the end of what was written, or with a clear
// error at a damaged entry.
import type { ChangeBatch } from '../domain/batch.ts';
import { decodeEntry } from './codec.ts';
import { JournalError } from './errors.ts';
import { readAt, type Segment } from './segments.ts';

export interface JournalEntry {
  readonly seq: number;
  readonly receivedAt: number;
  readonly bytes: number;
  readonly batch: ChangeBatch;
}

function parseBatch(payload: Buffer, path: string): ChangeBatch {
  try {
    return JSON.parse(payload.toString('utf8')) as ChangeBatch;
  } catch (error) {
    throw new JournalError(`${path}: an entry holds no valid JSON`, { cause: error });
  }
}

/**
 * Whole entries of `segment` (open as `fd`) from byte `offset`: at most `maxEntries`, and no
 * more once `maxBytes` are read (at least one entry is, however large). `bytes`: how far they reach.
 */
export function readEntries(
  fd: number,
  segment: Segment,
  offset: number,
  maxEntries: number,
  maxBytes: number,
): { entries: JournalEntry[]; bytes: number } {
  const entries: JournalEntry[] = [];
  let buffer = readAt(fd, offset, Math.min(segment.size - offset, Math.max(maxBytes, 64 * 1024)));
  let at = 0;
  while (entries.length < maxEntries && at < maxBytes && at < buffer.length) {
    const decoded = decodeEntry(buffer, at);
    if (decoded.kind === 'incomplete' && at === 0 && decoded.size !== null && decoded.size <= segment.size - offset) {
      buffer = readAt(fd, offset, decoded.size);
      continue;
    }
    if (decoded.kind === 'incomplete' && at > 0) break;
    if (decoded.kind !== 'entry') {
      const reason = decoded.kind === 'corrupt' ? decoded.reason : 'entry cut short';
      throw new JournalError(`${segment.path}: ${reason} at byte ${offset + at}`);
    }
    entries.push({
      seq: decoded.seq,
      receivedAt: decoded.receivedAt,
      bytes: decoded.size,
      batch: parseBatch(decoded.payload, segment.path),
    });
    at += decoded.size;
  }
  return { entries, bytes: at };
}
