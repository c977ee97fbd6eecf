// The real git CLI, used by tests to verify what the ledger wrote.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function git(gitdir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitdir, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, LC_ALL: 'C' },
  });
}

/** `git fsck --strict`; throws with git's output when the repository is not clean. */
export function fsckStrict(gitdir: string): string {
  return execFileSync('git', ['--git-dir', gitdir, 'fsck', '--strict', '--no-progress'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Every object in the repository, uncompressed, as one string (for secret scans). */
export function allObjectsText(gitdir: string): string {
  const list = git(gitdir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)')
    .trim()
    .split('\n')
    .filter(Boolean);
  return execFileSync('git', ['--git-dir', gitdir, 'cat-file', '--batch'], {
    input: list.join('\n') + '\n',
    maxBuffer: 1024 * 1024 * 1024,
  }).toString('latin1');
}

/** A new bare repository `repo.git` in `dir`, and a function writing a blob into it (its id). */
export function bareRepository(dir: string): { gitdir: string; hash: (text: string) => string } {
  const gitdir = join(dir, 'repo.git');
  execFileSync('git', ['init', '--quiet', '--bare', gitdir]);
  const hash = (text: string) =>
    execFileSync('git', ['--git-dir', gitdir, 'hash-object', '-w', '--stdin'], {
      input: text,
      encoding: 'utf8',
    }).trim();
  return { gitdir, hash };
}
