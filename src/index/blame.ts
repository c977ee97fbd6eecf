// Blame from the index (DESIGN §1: never walk history per request). The index lists the few
// commits that changed one file; git diffs just those commits (one `log --no-walk`, zero
// context) and the hunks are replayed oldest first, each line keeping the commit that added it.
// Each step uses the same pairwise diff `git blame` uses, so on a branch, where a file only
// moves forward, the answer is git's, in time proportional to the file's own history.
import { LedgerError } from '../domain/errors.ts';
import type { FileChange } from './queries.ts';
import type { BlameLine, RepositoryReader } from '../ledger/reader.ts';

interface Line {
  readonly text: string;
  readonly origin: FileChange;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Applies one commit's zero-context patch to the attributed lines. */
export function applyPatch(lines: readonly Line[], patch: string, origin: FileChange): Line[] {
  const out: Line[] = [];
  let copied = 0;
  let added: Line[] | null = null;
  const flush = () => {
    if (added) out.push(...added);
    added = null;
  };
  for (const text of patch.split('\n')) {
    const hunk = HUNK.exec(text);
    if (hunk) {
      flush();
      const oldStart = Number(hunk[1]);
      const oldCount = hunk[2] === undefined ? 1 : Number(hunk[2]);
      // With zero context, a pure insertion names the line it follows; a change its first line.
      const keep = oldCount === 0 ? oldStart : oldStart - 1;
      if (keep < copied || keep > lines.length)
        throw new LedgerError(`patch of ${origin.sha} does not apply to the file's previous version`);
      out.push(...lines.slice(copied, keep));
      copied = keep + oldCount;
      added = [];
    } else if (added && text.startsWith('+')) added.push({ text: text.slice(1), origin });
  }
  flush();
  out.push(...lines.slice(copied));
  return out;
}

/**
 * Blames already computed, by path and commit (a blame at a commit never changes), so the next
 * blame of a busy file only replays its newer commits. One per viewer; least recently used go.
 */
export class BlameCache {
  readonly #entries = new Map<string, readonly Line[]>();
  readonly #maxLines: number;
  #lines = 0;

  constructor(maxLines = 500_000) {
    this.#maxLines = maxLines;
  }

  get(path: string, sha: string): readonly Line[] | undefined {
    const key = `${path}\0${sha}`;
    const lines = this.#entries.get(key);
    if (lines) {
      this.#entries.delete(key);
      this.#entries.set(key, lines);
    }
    return lines;
  }

  set(path: string, sha: string, lines: readonly Line[]): void {
    const key = `${path}\0${sha}`;
    if (this.#entries.has(key) || lines.length > this.#maxLines) return;
    this.#entries.set(key, lines);
    this.#lines += lines.length;
    for (const [oldest, old] of this.#entries) {
      if (this.#lines <= this.#maxLines) break;
      this.#entries.delete(oldest);
      this.#lines -= old.length;
    }
  }
}

/** Blame of the file as its changes leave it; null when the last change deleted it (or there is none). */
export async function blameChanges(
  reader: RepositoryReader,
  changes: readonly FileChange[],
  path: string,
  cache?: BlameCache,
): Promise<{ sha: string; lines: BlameLine[] } | null> {
  const last = changes.at(-1);
  if (!last || last.blob === null) return null;
  let start = changes.length - 1;
  while (start > 0 && (changes[start - 1] as FileChange).blob !== null) start -= 1;
  let lines: readonly Line[] = [];
  for (let i = changes.length - 1; cache && i >= start; i -= 1) {
    const known = cache.get(path, (changes[i] as FileChange).sha);
    if (known) {
      lines = known;
      start = i + 1;
      break;
    }
  }
  const live = changes.slice(start);
  const patches = await reader.filePatches(
    live.map((change) => change.sha),
    path,
  );
  for (const change of live) {
    const patch = patches.get(change.sha);
    if (patch === undefined)
      throw new LedgerError(`commit ${change.sha} is in the index but git shows no change of ${path} in it`);
    lines = applyPatch(lines, patch, change);
  }
  cache?.set(path, last.sha, lines);
  return {
    sha: last.sha,
    lines: lines.map((line, i) => ({
      n: i + 1,
      text: line.text,
      sha: line.origin.sha,
      author: line.origin.author,
      time: line.origin.time,
      subject: line.origin.subject,
    })),
  };
}
