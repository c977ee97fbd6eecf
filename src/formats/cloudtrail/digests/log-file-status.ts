// A CloudTrail log file's `Log-File-Digest:` status from what the digests recorded about it
// and the SHA-256 of its uncompressed content, and that trailer added to the changes made
// from it. Pure. An invalid file is refused by the callers: it writes no state.
import type { ChangeRecord } from '../../../domain/change.ts';
import type { LogFileDigest, LogFileExpectation } from './verify-digests.ts';

export const LOG_FILE_DIGEST_TRAILER = 'Log-File-Digest';

export interface LogFileStatus {
  readonly status: LogFileDigest;
  readonly reason?: string;
}

/** `sha256`: hex SHA-256 of the log file's uncompressed content. */
export function checkLogFile(expected: LogFileExpectation | undefined, sha256: string): LogFileStatus {
  if (!expected) return { status: 'unverified', reason: 'no digest lists it' };
  if (expected.status === 'invalid')
    return { status: 'invalid', reason: `the digest listing it (${expected.digest}) is invalid: ${expected.reason}` };
  const actual = sha256.toLowerCase();
  if (actual !== expected.sha256)
    return {
      status: 'invalid',
      reason: `its SHA-256 ${actual} differs from ${expected.sha256} recorded in digest ${expected.digest}`,
    };
  return expected.status === 'verified'
    ? { status: 'verified' }
    : { status: 'unverified', reason: `digest ${expected.digest} is not verified: ${expected.reason}` };
}

/** The change with `Log-File-Digest: <status>` as its last trailer. */
export function withLogFileDigest(change: ChangeRecord, status: LogFileDigest): ChangeRecord {
  return { ...change, trailers: [...change.trailers, [LOG_FILE_DIGEST_TRAILER, status]] };
}
