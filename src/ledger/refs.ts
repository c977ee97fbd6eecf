// Branch refs, read and moved the way git does: a `<ref>.lock` file created exclusively
// (so a concurrent `git` command cannot interleave), written, fsynced and renamed over the ref.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LedgerError } from '../domain/errors.ts';
import { fsyncDirectory } from './durable-file.ts';

export function readRef(gitdir: string, ref: string): string | null {
  const loose = join(gitdir, ref);
  if (existsSync(loose)) {
    const value = readFileSync(loose, 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(value)) return value;
    throw new LedgerError(`${loose} does not hold an object id`);
  }
  const packed = join(gitdir, 'packed-refs');
  if (!existsSync(packed)) return null;
  for (const line of readFileSync(packed, 'utf8').split('\n')) {
    const [oid, name] = line.split(' ');
    if (name === ref && oid && /^[0-9a-f]{40}$/.test(oid)) return oid;
  }
  return null;
}

/**
 * Moves `ref` from `expected` to `value`. Refuses when the ref is not at `expected`
 * (someone else moved it) or when another writer holds its lock.
 */
export function updateRef(gitdir: string, ref: string, value: string, expected: string | null): void {
  const path = join(gitdir, ref);
  const lock = `${path}.lock`;
  let fd: number | null;
  try {
    fd = openSync(lock, 'wx', 0o644);
  } catch (cause) {
    throw new LedgerError(`cannot lock ${ref}: ${lock} exists (another git process is writing)`, {
      cause,
      retryable: true,
    });
  }
  try {
    const current = readRef(gitdir, ref);
    if (current !== expected) {
      throw new LedgerError(
        `${ref} moved under the ledger: expected ${expected ?? 'none'}, found ${current ?? 'none'}`,
      );
    }
    const line = Buffer.from(`${value}\n`);
    writeSync(fd, line, 0, line.length);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(lock, path);
    fsyncDirectory(dirname(path));
  } catch (error) {
    if (fd !== null) closeSync(fd);
    rmSync(lock, { force: true });
    throw error;
  }
}
