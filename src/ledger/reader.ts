// Reads what the ledger wrote, for the viewer, the API and the investigator CLI: file
// contents at a commit, a commit's unified diff, and blame. Works on the ledger's bare
// repository and on any clone (gitdir = `<clone>/.git`). Uses the git CLI, which reads
// packs with deltas and the commit-graph fast; the ledger's pack writer keeps both current.
import type { Branch } from '../domain/change.ts';
import { LedgerError } from '../domain/errors.ts';
import { readTexts } from './cat-file.ts';
import { DiffTreeBatch } from './diff-tree-batch.ts';
import { runGit } from './git-cli.ts';

export interface BlameLine {
  /** 1-based line number. */
  readonly n: number;
  readonly text: string;
  readonly sha: string;
  readonly author: { readonly name: string; readonly email: string };
  /** Author time, epoch ms. */
  readonly time: number;
  readonly subject: string;
}

/** One entry of a folder: a file (blob) or a sub-folder (tree). */
export interface TreeEntry {
  readonly name: string;
  readonly type: 'file' | 'folder';
  readonly oid: string;
}

export class RepositoryReader {
  readonly gitdir: string;
  #diffTree: DiffTreeBatch | null = null;

  constructor(gitdir: string) {
    this.gitdir = gitdir;
  }

  /** The commit a ref names (`main`, `activity`, a sha), or null when it does not exist. */
  async resolve(ref: string): Promise<string | null> {
    if (!/^[\w./-]+$/.test(ref)) return null;
    const { stdout, code } = await runGit(this.gitdir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      okCodes: [0, 1, 128],
    });
    return code === 0 ? stdout.toString('utf8').trim() || null : null;
  }

  /** A file's text at a commit, or null when it does not exist there. */
  async readFile(commit: string, path: string): Promise<string | null> {
    const [text] = await readTexts(this.gitdir, [`${commit}:${path}`]);
    return text ?? null;
  }

  /** The entries of a folder at a commit (`''` is the root), or null when no such folder exists there. */
  async listTree(commit: string, folder: string): Promise<TreeEntry[] | null> {
    if (/[\n\r\0]/.test(commit + folder)) return null;
    const check = await runGit(this.gitdir, ['cat-file', '--batch-check'], { input: `${commit}:${folder}\n` });
    const tree = /^([0-9a-f]{40,64}) tree \d+$/.exec(check.stdout.toString('utf8').trim());
    if (!tree) return null;
    const { stdout } = await runGit(this.gitdir, ['ls-tree', '-z', tree[1] as string]);
    return stdout
      .toString('utf8')
      .split('\0')
      .filter((line) => line !== '')
      .map((line) => {
        const tab = line.indexOf('\t');
        const [, kind, entryOid] = line.slice(0, tab).split(' ');
        return {
          name: line.slice(tab + 1),
          type: kind === 'tree' ? 'folder' : 'file',
          oid: entryOid ?? '',
        } satisfies TreeEntry;
      });
  }

  /**
   * The zero-context patch each listed commit made to one file, by commit: from a long-lived
   * `git diff-tree --stdin` (no process per request), else one `git log --no-walk`. Neither
   * walks history: only those commits are diffed against their parents.
   */
  async filePatches(shas: readonly string[], path: string): Promise<Map<string, string>> {
    const valid = shas.filter((sha) => /^[0-9a-f]{40,64}$/.test(sha));
    if (valid.length === 0 || /[\n\r\0]/.test(path)) return new Map();
    let patches: Map<string, string>;
    try {
      this.#diffTree ??= new DiffTreeBatch(this.gitdir);
      patches = await this.#diffTree.patches(valid);
    } catch {
      // The process ended (or a commit is unknown to it): once more in a process of its own.
      return this.#logPatches(valid, path);
    }
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const sha of valid) {
      const patch = patches.get(`${sha}\0${path}`);
      if (patch !== undefined) out.set(sha, patch);
      else missing.push(sha);
    }
    // git shows no such change (or knows no such commit): asked once more, with the path.
    if (missing.length > 0) for (const [sha, patch] of await this.#logPatches(missing, path)) out.set(sha, patch);
    return out;
  }

  async #logPatches(valid: readonly string[], path: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const { stdout } = await runGit(
      this.gitdir,
      [
        '--literal-pathspecs',
        'log',
        '--no-walk=unsorted',
        '--stdin',
        '--root',
        '--format=%x1e%H',
        '--patch',
        '--unified=0',
        '--no-color',
        '--no-renames',
        '--no-ext-diff',
        '--',
        path,
      ],
      { input: `${valid.join('\n')}\n` },
    );
    for (const record of stdout.toString('utf8').split('\x1e').slice(1)) {
      const newline = record.indexOf('\n');
      out.set(record.slice(0, newline === -1 ? undefined : newline), newline === -1 ? '' : record.slice(newline + 1));
    }
    return out;
  }

  /** A blob's text; throws when `oid` names no blob. */
  async readBlob(oid: string): Promise<string> {
    const [text] = await readTexts(this.gitdir, [oid]);
    if (text === null || text === undefined) throw new LedgerError(`${this.gitdir} holds no blob ${oid}`);
    return text;
  }

  /** The unified diff a commit made (against its parent, or the empty tree for the first). */
  async diff(commit: string, path?: string): Promise<string> {
    const args = ['show', '--format=', '--patch', '--no-color', '--no-renames', '--root', commit];
    const { stdout } = await runGit(this.gitdir, path ? [...args, '--', path] : args);
    return stdout.toString('utf8');
  }

  /** `git blame` of a file at a commit (default the branch head). */
  async blame(path: string, at: string | Branch = 'main'): Promise<BlameLine[]> {
    const { stdout } = await runGit(this.gitdir, ['blame', '--porcelain', at, '--', path]);
    const lines = stdout.toString('utf8').split('\n');
    const commits = new Map<string, { name: string; email: string; time: number; subject: string }>();
    const out: BlameLine[] = [];
    let current: { sha: string; n: number } | null = null;
    for (const line of lines) {
      const head = /^([0-9a-f]{40}) \d+ (\d+)/.exec(line);
      if (head) {
        current = { sha: head[1] as string, n: Number(head[2]) };
        if (!commits.has(current.sha)) commits.set(current.sha, { name: '', email: '', time: 0, subject: '' });
        continue;
      }
      if (!current) continue;
      const info = commits.get(current.sha) as { name: string; email: string; time: number; subject: string };
      if (line.startsWith('author ')) info.name = line.slice(7);
      else if (line.startsWith('author-mail ')) info.email = line.slice(12).replace(/^<|>$/g, '');
      else if (line.startsWith('author-time ')) info.time = Number(line.slice(12)) * 1000;
      else if (line.startsWith('summary ')) info.subject = line.slice(8);
      else if (line.startsWith('\t')) {
        out.push({
          n: current.n,
          text: line.slice(1),
          sha: current.sha,
          author: { name: info.name, email: info.email },
          time: info.time,
          subject: info.subject,
        });
        current = null;
      }
    }
    return out;
  }
}
