// Object contents through one `git cat-file --batch` for any number of names (blob ids or
// `<commit>:<path>`): the repository reader, the investigator and the CLI read texts this way,
// one git process per call, never one per object.
import { LedgerError } from '../domain/errors.ts';
import { runGit } from './git-cli.ts';

/** A name git's line-based input cannot carry; it resolves to nothing without being asked. */
const UNSENDABLE = /[\n\r\0]/;

/**
 * The texts of `names`, in order; null where a name resolves to nothing (`missing`,
 * `ambiguous`) or to an object that is not a blob (a tree: a folder, not a file).
 */
export async function readTexts(gitdir: string, names: readonly string[]): Promise<Array<string | null>> {
  const asked = names.filter((name) => !UNSENDABLE.test(name));
  if (asked.length === 0) return names.map(() => null);
  const { stdout } = await runGit(gitdir, ['cat-file', '--batch'], { input: `${asked.join('\n')}\n` });
  const out: Array<string | null> = [];
  let at = 0;
  for (const name of names) {
    if (UNSENDABLE.test(name)) {
      out.push(null);
      continue;
    }
    const newline = stdout.indexOf(0x0a, at);
    if (newline === -1)
      throw new LedgerError(`git cat-file --batch in ${gitdir} answered fewer names than it was asked`);
    // `<oid> <type> <size>` then the content and a newline; `<name> missing` (or `ambiguous`) alone.
    const header = parseBatchHeader(stdout.toString('utf8', at, newline));
    at = newline + 1;
    if (!header) {
      out.push(null);
      continue;
    }
    const { size } = header;
    out.push(header.type === 'blob' ? stdout.toString('utf8', at, at + size) : null);
    at += size + 1;
  }
  return out;
}

/** `<oid> <type> <size>`, the line `git cat-file --batch` puts before an object; null for `<name> missing` etc. */
export function parseBatchHeader(line: string): { readonly type: string; readonly size: number } | null {
  const header = /^[0-9a-f]{40,64} ([a-z]+) (\d+)$/.exec(line);
  return header ? { type: header[1] as string, size: Number(header[2]) } : null;
}
