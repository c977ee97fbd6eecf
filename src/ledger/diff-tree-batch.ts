// One long-lived `git diff-tree --stdin` that answers the viewer's blames (issue 12): the patch
// each listed commit made, without a git process per request. A request is its commits' ids
// and then a line that names no commit, which git echoes once it has diffed all before it: the
// end of the answer. The ledger writes one file per commit, so no pathspec is needed (and a
// long-lived process could not take one per request); each commit's patch is cut per file. The
// child is referenced only while a request waits, is replaced after MAX_AGE_MS (packs rewritten
// since stay open in it), and ends when its input closes.
import { LedgerError } from '../domain/errors.ts';
import { type GitChild, holdChild, startGitChild } from './git-child.ts';

/** Git's cache of delta bases in this process (its default is 96 MB). */
const DELTA_BASE_CACHE = '8m';
/** A process is replaced, between requests, once this old. */
const MAX_AGE_MS = 5 * 60_000;
/** A line no patch and no commit id can be (patch lines start with ` `, `+`, `-`, `@`, a word or a hex id). */
const END = '~gitrail-end~';

interface Waiter {
  readonly resolve: (output: string) => void;
  readonly reject: (error: Error) => void;
}

export class DiffTreeBatch {
  readonly #gitdir: string;
  #child: GitChild | null = null;
  #started = 0;
  readonly #waiting: Waiter[] = [];
  #output = '';

  constructor(gitdir: string) {
    this.#gitdir = gitdir;
  }

  /**
   * git's zero-context patch of each commit (`shas`: full ids) to each path it changed, by
   * `<sha>\0<path>`, from `diff --git` on.
   */
  async patches(shas: readonly string[]): Promise<Map<string, string>> {
    if (shas.some((sha) => !/^[0-9a-f]{40,64}$/.test(sha))) throw new LedgerError('not a list of commit ids');
    const child = this.#start();
    const output = await new Promise<string>((resolve, reject) => {
      if (this.#waiting.length === 0) holdChild(child, true);
      this.#waiting.push({ resolve, reject });
      child.stdin.write(`${shas.join('\n')}\n${END}\n`);
    });
    return splitPatches(output);
  }

  close(): void {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    child.stdin.end();
    this.#fail(child, new LedgerError(`git diff-tree --stdin in ${this.#gitdir} was closed`));
  }

  #start(): GitChild {
    if (this.#child && this.#waiting.length === 0 && Date.now() - this.#started > MAX_AGE_MS) this.close();
    if (this.#child) return this.#child;
    const config = [`core.deltaBaseCacheLimit=${DELTA_BASE_CACHE}`, 'core.quotePath=false'];
    const diff = ['--stdin', '--root', '--patch', '--unified=0', '--no-color', '--no-renames', '--no-ext-diff'];
    const child = startGitChild(this.#gitdir, config, ['diff-tree', ...diff], (cause) => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#fail(child, new LedgerError(`git diff-tree --stdin in ${this.#gitdir} ended`, { cause }));
    });
    this.#child = child;
    this.#started = Date.now();
    this.#output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (this.#child !== child) return;
      this.#output += chunk;
      this.#answer(child);
    });
    return child;
  }

  #answer(child: GitChild): void {
    for (;;) {
      const end = this.#output.startsWith(`${END}\n`) ? 0 : this.#output.indexOf(`\n${END}\n`);
      const waiter = this.#waiting[0];
      if (end === -1 || !waiter) break;
      waiter.resolve(end === 0 ? '' : this.#output.slice(0, end + 1));
      this.#output = this.#output.slice(end === 0 ? END.length + 1 : end + END.length + 2);
      this.#waiting.shift();
    }
    if (this.#waiting.length === 0) holdChild(child, false);
  }

  #fail(child: GitChild, error: Error): void {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    holdChild(child, false);
  }
}

/** The path of `diff --git a/<p> b/<p>` (both sides equal without renames; quoted when odd). */
function patchPath(line: string): string {
  const names = line.slice('diff --git '.length);
  if (names.startsWith('"')) return (JSON.parse(names.slice(0, names.indexOf('" "') + 1)) as string).slice(2);
  return names.slice(2, (names.length - 1) / 2);
}

/** diff-tree's output (`<sha>` lines, each followed by its files' patches) by `<sha>\0<path>`. */
function splitPatches(output: string): Map<string, string> {
  const patches = new Map<string, string>();
  let sha = '';
  let key = '';
  let from = 0;
  const keep = (to: number) => {
    if (key) patches.set(key, output.slice(from, to));
    key = '';
  };
  let at = 0;
  while (at < output.length) {
    const newline = output.indexOf('\n', at);
    const end = newline === -1 ? output.length : newline;
    if (/^[0-9a-f]{40,64}$/.test(output.slice(at, end))) {
      keep(at);
      sha = output.slice(at, end);
    } else if (output.startsWith('diff --git ', at)) {
      keep(at);
      key = `${sha}\0${patchPath(output.slice(at, end))}`;
      from = at;
    }
    at = end + 1;
  }
  keep(output.length);
  return patches;
}
