// The read view's `main` and `activity`: one commit whose tree is the union of every shard's
// tree of that branch (their paths never overlap: a cluster, an account or a source belongs to
// one shard) and whose parents are the shards' heads, so "as it is now", `git log` and blame
// work on the merged view as on one repository. Kept in a git index file per branch, updated
// with each shard's diff since the last update.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ShardError } from './errors.ts';
import { runGitWith } from './remote-git.ts';

const ZERO = '0'.repeat(40);

export class UnionTree {
  readonly #gitdir: string;
  readonly #branch: string;
  readonly #indexFile: string;
  readonly #applied = new Map<string, string>();

  constructor(gitdir: string, branch: string) {
    this.#gitdir = gitdir;
    this.#branch = branch;
    this.#indexFile = join(gitdir, `gitrail-view-${branch}.index`);
    // Rebuilt from the shards' trees at each start: what it held before is not known here.
    rmSync(this.#indexFile, { force: true });
  }

  async #git(args: readonly string[], input?: string | Buffer): Promise<string> {
    const env = {
      ...process.env,
      LC_ALL: 'C',
      GIT_INDEX_FILE: this.#indexFile,
      GIT_AUTHOR_NAME: 'gitrail',
      GIT_AUTHOR_EMAIL: 'gitrail@localhost',
      GIT_COMMITTER_NAME: 'gitrail',
      GIT_COMMITTER_EMAIL: 'gitrail@localhost',
    };
    const result = await runGitWith(['--git-dir', this.#gitdir, ...args], env, input);
    if (result.code !== 0) throw new ShardError(`git ${args[0]} for the read view failed: ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** `update-index --index-info` lines for what changed in one shard from `from` to `to`. */
  async #changes(from: string | undefined, to: string): Promise<string> {
    if (!from) return this.#git(['ls-tree', '-r', '-z', '--full-tree', to]);
    const raw = await this.#git(['diff-tree', '-r', '-z', '--no-renames', '--raw', from, to]);
    const fields = raw.split('\0');
    const out: string[] = [];
    for (let at = 0; at + 1 < fields.length; at += 2) {
      const [, , newMode, , newSha, status] = (fields[at] as string).split(/[: ]/);
      const path = fields[at + 1] as string;
      out.push(status === 'D' ? `0 ${ZERO}\t${path}` : `${newMode} ${newSha}\t${path}`);
    }
    return out.length > 0 ? `${out.join('\0')}\0` : '';
  }

  /**
   * Brings the union to the shards' heads (shard → commit; a shard without this branch is
   * left out) and moves `refs/heads/<branch>` to a commit of it. Returns the commit, or null
   * when no shard has the branch.
   */
  async update(heads: ReadonlyMap<string, string>): Promise<string | null> {
    let changed = false;
    for (const [shard, head] of heads) {
      if (this.#applied.get(shard) === head) continue;
      const lines = await this.#changes(this.#applied.get(shard), head);
      if (lines !== '') await this.#git(['update-index', '-z', '--index-info'], lines);
      this.#applied.set(shard, head);
      changed = true;
    }
    if (heads.size === 0) return null;
    const ref = `refs/heads/${this.#branch}`;
    if (!changed) {
      const current = await runGitWith(
        ['--git-dir', this.#gitdir, 'rev-parse', '--verify', '--quiet', ref],
        process.env,
      );
      if (current.code === 0 && current.stdout.trim() !== '') return current.stdout.trim();
    }
    const tree = (await this.#git(['write-tree'])).trim();
    const parents = [...heads].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([, head]) => ['-p', head]);
    const message = `gitrail read view: ${this.#branch} of ${heads.size} shard${heads.size === 1 ? '' : 's'}\n\n${[
      ...heads.keys(),
    ]
      .sort()
      .join('\n')}\n`;
    const commit = (await this.#git(['commit-tree', tree, ...parents, '-m', message])).trim();
    await this.#git(['update-ref', ref, commit]);
    return commit;
  }
}
