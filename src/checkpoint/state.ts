// The data folder's own record of the last checkpoint (`<data>/checkpoint.json`): the next
// checkpoint chains to it even when its tag was deleted, so the gap stays visible to `verify`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from '../domain/errors.ts';
import { writeFileDurably } from '../ledger/durable-file.ts';

export interface CheckpointRecord {
  readonly name: string;
  readonly oid: string;
  readonly number: number;
  /** Tagger time, epoch ms. */
  readonly time: number;
  /** SHA-256 (hex) of the decoded SSH signature blob: what the next checkpoint's `Previous-Signature:` names. */
  readonly signatureSha256: string;
}

export function checkpointStatePath(dataDir: string): string {
  return join(dataDir, 'checkpoint.json');
}

export function readCheckpointState(dataDir: string): CheckpointRecord | null {
  const path = checkpointStatePath(dataDir);
  if (!existsSync(path)) return null;
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as CheckpointRecord;
    if (typeof value.name !== 'string' || !/^[0-9a-f]{40}$/.test(value.oid) || !Number.isSafeInteger(value.number))
      throw new Error('fields missing');
    return value;
  } catch (cause) {
    throw new LedgerError(`${path}: not a checkpoint record (delete it to continue from the newest checkpoint tag)`, {
      cause,
    });
  }
}

export function writeCheckpointState(dataDir: string, record: CheckpointRecord): void {
  writeFileDurably(checkpointStatePath(dataDir), `${JSON.stringify(record)}\n`);
}
