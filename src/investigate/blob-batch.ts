// Reads many objects in one `git cat-file --batch` run: blob ids or `<commit>:<path>` names,
// the file text (or null where the name resolves to nothing, e.g. a file before its creation).
import { runGit } from '../ledger/git-cli.ts';

export async function readTexts(gitdir: string, names: readonly string[]): Promise<Array<string | null>> {
  if (names.length === 0) return [];
  const { stdout } = await runGit(gitdir, ['cat-file', '--batch'], { input: `${names.join('\n')}\n` });
  const out: Array<string | null> = [];
  let at = 0;
  for (let i = 0; i < names.length; i += 1) {
    const newline = stdout.indexOf(0x0a, at);
    const header = stdout.subarray(at, newline).toString('utf8');
    at = newline + 1;
    if (/ (missing|ambiguous)$/.test(header)) {
      out.push(null);
      continue;
    }
    const [, type, size] = header.split(' ');
    const length = Number(size);
    out.push(type === 'blob' ? stdout.subarray(at, at + length).toString('utf8') : null);
    at += length + 1;
  }
  return out;
}
