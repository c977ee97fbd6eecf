// The patches many commits made, in one git process (`git diff-tree --stdin -p`); with the
// texts from one `git cat-file --batch` (ledger/cat-file.ts), a page of 200 changes costs two
// git runs, never one per change.
import { runGit } from '../ledger/git-cli.ts';

/** The path of `diff --git a/<p> b/<p>` (both sides equal without renames; quoted when odd). */
function patchPath(line: string): string {
  const names = line.slice('diff --git '.length);
  if (names.startsWith('"')) return (JSON.parse(names.slice(0, names.indexOf('" "') + 1)) as string).slice(2);
  return names.slice(2, (names.length - 1) / 2);
}

/**
 * The patch each commit made to each path, as `git show` prints it (from `diff --git` on):
 * key `<sha>\0<path>`. git's own diff, so hunks are exactly git's.
 */
export async function readPatches(gitdir: string, commits: readonly string[]): Promise<Map<string, string>> {
  const patches = new Map<string, string>();
  if (commits.length === 0) return patches;
  const args = [
    '-c',
    'core.quotePath=false',
    'diff-tree',
    '--stdin',
    '-p',
    '--root',
    '--no-renames',
    '--no-color',
    '--no-ext-diff',
  ];
  const { stdout } = await runGit(gitdir, args, { input: `${[...new Set(commits)].join('\n')}\n` });
  let sha = '';
  let path = '';
  let lines: string[] = [];
  const keep = () => {
    if (sha && path) patches.set(`${sha}\0${path}`, `${lines.join('\n')}\n`);
  };
  for (const line of stdout.toString('utf8').replace(/\n$/, '').split('\n')) {
    if (/^[0-9a-f]{40}$/.test(line)) {
      keep();
      [sha, path, lines] = [line, '', []];
      continue;
    }
    if (line.startsWith('diff --git ')) {
      keep();
      [path, lines] = [patchPath(line), []];
    }
    lines.push(line);
  }
  keep();
  return patches;
}
