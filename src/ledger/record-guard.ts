// What the ledger refuses to write, whatever reached it (a journal an older gitrail wrote, a bug
// the edge missed): a commit `git fsck --strict` or a `receive.fsckObjects` remote would reject
// (a date before 1970 or past year 9999, which git prints as badDate or badDateOverflow), a path
// a file system cannot hold, a document over the size limit. The drainer quarantines such a
// record (issue 10); an I/O failure is no fault of the record and stops the drainer instead.
import type { ChangeRecord } from '../domain/change.ts';
import { GitrailError, InvalidInputError } from '../domain/errors.ts';
import { DEFAULT_EDGE_LIMITS } from '../edge/limits.ts';

/** 9999-12-31T23:59:59.999Z: the last time every tool reading the repository can print. */
const LATEST_TIME = 253_402_300_799_999;
const SEGMENT_BYTES = DEFAULT_EDGE_LIMITS.maxSegmentBytes;

/** Throws InvalidInputError when the record would make a commit or tree git refuses. */
export function assertWritable(record: ChangeRecord): void {
  const { time, path } = record;
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0 || time > LATEST_TIME)
    throw new InvalidInputError(`${path}: time ${String(time)} is not a commit date git accepts (1970 to 9999)`);
  for (const segment of path.split('/')) {
    if (segment === '' || segment.startsWith('.') || segment.includes('\0'))
      throw new InvalidInputError(`${path}: a path segment is empty, starts with a dot or holds NUL`);
    if (Buffer.byteLength(segment) > SEGMENT_BYTES)
      throw new InvalidInputError(`${path}: a path segment is longer than ${SEGMENT_BYTES} bytes`);
  }
  if (typeof record.author?.name !== 'string' || typeof record.author.email !== 'string')
    throw new InvalidInputError(`${path}: the record has no author`);
}

/** Throws InvalidInputError when a file would be larger than the document limit. */
export function assertDocumentSize(path: string, bytes: number): void {
  const max = DEFAULT_EDGE_LIMITS.maxDocumentBytes;
  if (bytes > max)
    throw new InvalidInputError(`${path} would be ${bytes} bytes of YAML; at most ${max} are accepted (limits)`);
}

/** Failures of the machine (file system, index database, lock, journal), not of one record. */
const ENVIRONMENT_CODES: ReadonlySet<string> = new Set([
  'LEDGER',
  'LOCKED',
  'JOURNAL',
  'JOURNAL_FULL',
  'SHUTTING_DOWN',
]);

/**
 * True when applying a record failed because of the record (a bug it triggers, a guard above),
 * false when the machine failed (the same record would go through once it is fixed).
 */
export function isRecordFailure(error: unknown): boolean {
  if (error instanceof GitrailError) return !ENVIRONMENT_CODES.has(error.code);
  if (!(error instanceof Error)) return true;
  if ('errno' in error || 'syscall' in error) return false;
  const code = (error as { code?: unknown }).code;
  return !(typeof code === 'string' && code.startsWith('ERR_SQLITE'));
}
