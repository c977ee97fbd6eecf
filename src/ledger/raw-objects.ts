// Whole objects of any type (commits, tags) through one streaming `git cat-file --batch`:
// what checkpoints and `gitrail verify` read. Streams, so 100k commits never sit in memory at
// once; git is fed the ids while its answers are parsed.
import { spawn } from 'node:child_process';
import { LedgerError } from '../domain/errors.ts';

export interface RawObject {
  readonly oid: string;
  readonly type: string;
  readonly content: Buffer;
}

/**
 * Calls `onObject` for each id in order (`type` 'missing' and empty content for an id the
 * repository lacks); resolves once git has answered every one.
 */
export function readRawObjects(
  gitdir: string,
  oids: Iterable<string>,
  onObject: (object: RawObject) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', gitdir, 'cat-file', '--batch'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    let pending: Buffer = Buffer.alloc(0);
    let failure: Error | null = null;
    const errors: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      try {
        for (;;) {
          const newline = pending.indexOf(0x0a, at);
          if (newline < 0) break;
          const header = pending.toString('latin1', at, newline);
          const missing = /^(\S+) missing$/.exec(header);
          if (missing) {
            onObject({ oid: missing[1] as string, type: 'missing', content: Buffer.alloc(0) });
            at = newline + 1;
            continue;
          }
          const match = /^([0-9a-f]{40}) ([a-z]+) (\d+)$/.exec(header);
          if (!match) throw new LedgerError(`git cat-file answered "${header}"`);
          const size = Number(match[3]);
          if (pending.length < newline + 1 + size + 1) break;
          onObject({
            oid: match[1] as string,
            type: match[2] as string,
            content: pending.subarray(newline + 1, newline + 1 + size),
          });
          at = newline + 1 + size + 1;
        }
      } catch (error) {
        failure = error as Error;
        child.kill();
      }
      pending = pending.subarray(at);
    });
    child.on('error', (cause) => reject(new LedgerError('cannot run git cat-file: is git installed?', { cause })));
    child.on('close', (code) => {
      if (failure) reject(failure);
      else if (code !== 0)
        reject(new LedgerError(`git cat-file failed (exit ${code}): ${Buffer.concat(errors).toString('utf8').trim()}`));
      else resolve();
    });
    child.stdin.on('error', () => undefined);
    const write = async () => {
      let batch: string[] = [];
      for (const oid of oids) {
        batch.push(oid);
        if (batch.length >= 1024) {
          if (!child.stdin.write(`${batch.join('\n')}\n`)) await new Promise((next) => child.stdin.once('drain', next));
          batch = [];
        }
      }
      child.stdin.end(batch.length > 0 ? `${batch.join('\n')}\n` : '');
    };
    void write();
  });
}

/** The objects as a map (small sets: a checkpoint's tags). */
export async function readRawObjectMap(gitdir: string, oids: readonly string[]): Promise<Map<string, RawObject>> {
  const found = new Map<string, RawObject>();
  await readRawObjects(gitdir, oids, (object) => {
    if (object.type !== 'missing') found.set(object.oid, object);
  });
  return found;
}
