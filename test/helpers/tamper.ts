// What someone with write access to a repository could do to it, done with the real git CLI:
// re-commit history from one commit on with one file edited (signed with a key of their
// choosing, or unsigned), as `git commit-tree` does it, keeping authors, dates and messages.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(gitdir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: string): string {
  return execFileSync('git', ['--git-dir', gitdir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C', ...env },
    ...(input === undefined ? {} : { input }),
  }).trim();
}

export interface Rewrite {
  /** The first commit rewritten (its replacement is the first bad object). */
  readonly from: string;
  readonly path: string;
  readonly content: string;
  /** An OpenSSH private key file to sign the new commits with; null leaves them unsigned. */
  readonly signingKey: string | null;
}

/**
 * Rewrites `branch` from `rewrite.from` on, with `path` holding `content` wherever the
 * original held the same blob as `from` did; returns old sha → new sha, in order.
 */
export function rewriteHistory(gitdir: string, branch: string, rewrite: Rewrite): Map<string, string> {
  const work = mkdtempSync(join(tmpdir(), 'gitrail-tamper-'));
  try {
    const original = run(gitdir, ['rev-parse', `${rewrite.from}:${rewrite.path}`]);
    const edited = run(gitdir, ['hash-object', '-w', '--stdin'], {}, rewrite.content);
    const commits = run(gitdir, ['rev-list', '--reverse', `${rewrite.from}^..${branch}`]).split('\n');
    let parent = run(gitdir, ['rev-parse', `${rewrite.from}^`]);
    const mapping = new Map<string, string>();
    const index = join(work, 'index');
    for (const commit of commits) {
      const env = { GIT_INDEX_FILE: index };
      run(gitdir, ['read-tree', `${commit}^{tree}`], env);
      const blob = run(gitdir, ['ls-tree', commit, '--', rewrite.path]).split(/\s+/)[2];
      if (blob === original) run(gitdir, ['update-index', '--cacheinfo', `100644,${edited},${rewrite.path}`], env);
      const tree = run(gitdir, ['write-tree'], env);
      const [an, ae, ad, cn, ce, cd] = run(gitdir, [
        'show',
        '-s',
        '--format=%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd',
        '--date=raw',
        commit,
      ]).split('\0');
      const message = join(work, 'message');
      writeFileSync(message, run(gitdir, ['show', '-s', '--format=%B', commit]));
      const sign = rewrite.signingKey ? ['-c', 'gpg.format=ssh', '-c', `user.signingKey=${rewrite.signingKey}`] : [];
      const created = run(
        gitdir,
        [...sign, 'commit-tree', tree, '-p', parent, '-F', message, ...(rewrite.signingKey ? ['-S'] : [])],
        {
          GIT_AUTHOR_NAME: an,
          GIT_AUTHOR_EMAIL: ae,
          GIT_AUTHOR_DATE: ad,
          GIT_COMMITTER_NAME: cn,
          GIT_COMMITTER_EMAIL: ce,
          GIT_COMMITTER_DATE: cd,
        } as NodeJS.ProcessEnv,
      );
      mapping.set(commit, created);
      parent = created;
    }
    run(gitdir, ['update-ref', `refs/heads/${branch}`, parent]);
    return mapping;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
