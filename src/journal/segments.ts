// Journal segment files (`<first-seq>.log`) and crash recovery: which entries are not yet
// checkpointed, where the reader starts, and the torn tail of the last segment cut off (it was
// never acknowledged: an append is answered only after its fsync).
import { closeSync, fsyncSync, ftruncateSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEntry, HEADER_BYTES } from './codec.ts';
import { JournalError } from './errors.ts';

export interface Segment {
  readonly firstSeq: number;
  readonly path: string;
  /** Bytes known to be complete and durable. */
  size: number;
  /** The last entry's seq; firstSeq - 1 while empty. */
  lastSeq: number;
}

/** An entry not yet checkpointed: what the depth and age metrics count. */
export interface PendingMeta {
  readonly seq: number;
  readonly receivedAt: number;
  readonly bytes: number;
}

export interface Recovered {
  readonly segments: Segment[];
  readonly pending: PendingMeta[];
  /** Where the entry after the checkpoint starts. */
  readonly cursor: { readonly segment: Segment; readonly offset: number } | null;
  readonly lastSeq: number;
  /** Bytes of a torn tail that were cut off. */
  readonly truncatedBytes: number;
}

const SEGMENT_NAME = /^(\d{20})\.log$/;

export function segmentPath(dir: string, firstSeq: number): string {
  return join(dir, `${String(firstSeq).padStart(20, '0')}.log`);
}

export function listSegments(dir: string): Segment[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const match = SEGMENT_NAME.exec(name);
      if (!match) return [];
      const firstSeq = Number(match[1]);
      return [{ firstSeq, path: join(dir, name), size: 0, lastSeq: firstSeq - 1 }];
    })
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

/** Reads `length` bytes at `position` of an open file. */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return buffer.subarray(0, done);
}

/** Walks a segment's entries; stops at the first that is incomplete or damaged. */
function scanSegment(
  segment: Segment,
  onEntry: (seq: number, receivedAt: number, offset: number, size: number) => void,
): { end: number; fileSize: number; problem: string | null } {
  const fd = openSync(segment.path, 'r');
  try {
    const fileSize = statSync(segment.path).size;
    let offset = 0;
    let expected = segment.firstSeq;
    while (offset < fileSize) {
      const header = readAt(fd, offset, HEADER_BYTES);
      const peek = decodeEntry(header, 0);
      const size = peek.kind === 'incomplete' ? peek.size : null;
      if (peek.kind === 'corrupt') return { end: offset, fileSize, problem: `${peek.reason} at byte ${offset}` };
      if (size === null) return { end: offset, fileSize, problem: `truncated header at byte ${offset}` };
      const decoded = decodeEntry(readAt(fd, offset, size), 0);
      if (decoded.kind !== 'entry')
        return {
          end: offset,
          fileSize,
          problem: `${decoded.kind === 'corrupt' ? decoded.reason : 'truncated entry'} at byte ${offset}`,
        };
      if (decoded.seq !== expected)
        return {
          end: offset,
          fileSize,
          problem: `entry ${decoded.seq} where ${expected} was expected at byte ${offset}`,
        };
      onEntry(decoded.seq, decoded.receivedAt, offset, decoded.size);
      offset += decoded.size;
      expected += 1;
    }
    return { end: offset, fileSize, problem: null };
  } finally {
    closeSync(fd);
  }
}

function truncateDurably(path: string, size: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, size);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Brings the segments of `dir` to a consistent state after any crash; `checkpoint` is the last committed seq. */
export function recoverSegments(dir: string, checkpoint: number): Recovered {
  const all = listSegments(dir);
  const segments: Segment[] = [];
  const pending: PendingMeta[] = [];
  let cursor: Recovered['cursor'] = null;
  let truncatedBytes = 0;
  for (const [index, segment] of all.entries()) {
    const next = all[index + 1];
    const isLast = next === undefined;
    // Fully checkpointed segments are left over from a crash before their deletion.
    if (!isLast && next.firstSeq - 1 <= checkpoint) {
      rmSync(segment.path, { force: true });
      continue;
    }
    const previous = segments.at(-1);
    if (previous && previous.lastSeq + 1 !== segment.firstSeq) {
      throw new JournalError(
        `${segment.path}: starts at entry ${segment.firstSeq} but the previous segment ends at ` +
          `${previous.lastSeq}; move the journal folder away to start without it`,
      );
    }
    const scan = scanSegment(segment, (seq, receivedAt, offset, size) => {
      segment.lastSeq = seq;
      if (seq <= checkpoint) return;
      if (cursor === null) cursor = { segment, offset };
      pending.push({ seq, receivedAt, bytes: size });
    });
    if (scan.problem !== null) {
      if (!isLast)
        throw new JournalError(
          `${segment.path}: ${scan.problem}; entries after it cannot be read. Move the segment away to start ` +
            `without it`,
        );
      truncateDurably(segment.path, scan.end);
      truncatedBytes = scan.fileSize - scan.end;
    }
    segment.size = scan.end;
    segments.push(segment);
  }
  const lastSeq = Math.max(checkpoint, segments.at(-1)?.lastSeq ?? 0);
  return { segments, pending, cursor, lastSeq, truncatedBytes };
}
