// Blame from the index (DESIGN §1: never walk history per request). The index lists the few
// commits that changed one file; git diffs just those commits (reader.filePatches, zero
// context) and the hunks are replayed oldest first, each line keeping the commit that added it.
// Each step uses the same pairwise diff `git blame` uses, so on a branch, where a file only
// moves forward, the answer is git's, in time proportional to the file's own history.
import { LedgerError } from '../domain/errors.ts';
import type { Branch } from '../domain/change.ts';
import type { ChangeBound, FileChange, IndexQueries } from './queries.ts';
import type { BlameLine, RepositoryReader } from '../ledger/reader.ts';
import { type BlameStore, CHECKPOINT } from './blame-store.ts';

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
 * blame of a busy file only replays its newer commits: recently used ones in memory, and, with a
 * store, on disk for the next process too (blame-store.ts). Least recently used go first.
 */
export class BlameCache {
  readonly #entries = new Map<string, readonly Line[]>();
  readonly #maxLines: number;
  readonly store: BlameStore | null;
  #lines = 0;

  constructor(options: { readonly maxLines?: number; readonly store?: BlameStore | null } = {}) {
    this.#maxLines = options.maxLines ?? 500_000;
    this.store = options.store ?? null;
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

const toStored = (lines: readonly Line[]) => lines.map((line) => ({ text: line.text, sha: line.origin.sha }));

/** The newest part of a file's history, and how to read what came before it. */
export interface OlderChanges {
  /** How many changes came before the part. */
  count(): number;
  /** The changes some older commits made to the file. */
  of(shas: readonly string[]): FileChange[];
}

/**
 * The newest version in `changes[start..]` the cache knows, as lines and the index after it;
 * a stored blame's commits are the file's own changes, so they are read back from `changes`
 * (or, for an older one, from `older`).
 */
function cachedVersion(
  changes: readonly FileChange[],
  start: number,
  path: string,
  cache: BlameCache,
  older: OlderChanges | undefined,
): { lines: readonly Line[]; next: number } | null {
  let stored: Set<string> | null = null;
  for (let i = changes.length - 1; i >= start; i -= 1) {
    const sha = (changes[i] as FileChange).sha;
    const known = cache.get(path, sha);
    if (known) return { lines: known, next: i + 1 };
    stored ??= cache.store?.versions(path) ?? new Set();
    if (!stored.has(sha)) continue;
    const kept = cache.store?.get(path, sha);
    if (!kept) continue;
    const bySha = new Map(changes.slice(start, i + 1).map((change) => [change.sha, change]));
    const missing = [...new Set(kept.map((line) => line.sha))].filter((origin) => !bySha.has(origin));
    if (missing.length > 0 && older) for (const change of older.of(missing)) bySha.set(change.sha, change);
    const lines = kept.map((line) => ({ text: line.text, origin: bySha.get(line.sha) }));
    if (lines.every((line): line is Line => line.origin !== undefined)) {
      cache.set(path, sha, lines);
      return { lines, next: i + 1 };
    }
  }
  return null;
}

/** Blame of the file as its changes leave it; null when the last change deleted it (or there is none). */
export async function blameChanges(
  reader: RepositoryReader,
  changes: readonly FileChange[],
  path: string,
  cache?: BlameCache,
): Promise<{ sha: string; lines: BlameLine[] } | null> {
  return (await replay(reader, changes, path, cache, undefined)) ?? null;
}

/** Changes read first, newest first: enough to reach a kept version (every CHECKPOINT-th is kept). */
const RECENT = 2 * CHECKPOINT;

/**
 * Blame of a file up to a commit or an instant (null when it did not exist then), reading from
 * the index only the newest changes when the cache knows a version among them.
 */
export async function blameFile(
  queries: IndexQueries,
  reader: RepositoryReader,
  file: { readonly path: string; readonly branch: Branch; readonly upTo: ChangeBound },
  cache?: BlameCache,
): Promise<{ sha: string; lines: BlameLine[] } | null> {
  const { path, branch, upTo } = file;
  if (cache) {
    const recent = queries.fileChanges(path, upTo, branch, RECENT);
    const first = recent[0];
    const older: OlderChanges | undefined =
      recent.length < RECENT || !first
        ? undefined
        : {
            count: () => queries.countFileChanges(path, branch, first.sha),
            of: (shas) => queries.fileChangesOf(path, shas, branch),
          };
    const found = await replay(reader, recent, path, cache, older);
    if (found !== undefined) return found;
  }
  return blameChanges(reader, queries.fileChanges(path, upTo, branch), path, cache);
}

/**
 * `blameChanges`; with `older`, `changes` is only the newest part of the history, and the answer
 * is undefined when it holds neither a deletion nor a version the cache knows to start from.
 */
async function replay(
  reader: RepositoryReader,
  changes: readonly FileChange[],
  path: string,
  cache: BlameCache | undefined,
  older: OlderChanges | undefined,
): Promise<{ sha: string; lines: BlameLine[] } | null | undefined> {
  const last = changes.at(-1);
  if (!last || last.blob === null) return null;
  let start = changes.length - 1;
  while (start > 0 && (changes[start - 1] as FileChange).blob !== null) start -= 1;
  const cached = cache ? cachedVersion(changes, start, path, cache, older) : null;
  // The history's beginning is not in `changes`: only a known version can start the replay.
  if (!cached && older && start === 0 && changes[0]?.op !== 'A') return undefined;
  let lines: readonly Line[] = cached?.lines ?? [];
  const first = cached?.next ?? start;
  const live = changes.slice(first);
  const patches = await reader.filePatches(
    live.map((change) => change.sha),
    path,
  );
  // Checkpoints are counted in the file's whole history.
  const offset = live.length > 0 && older ? older.count() : 0;
  live.forEach((change, at) => {
    const patch = patches.get(change.sha);
    if (patch === undefined)
      throw new LedgerError(`commit ${change.sha} is in the index but git shows no change of ${path} in it`);
    lines = applyPatch(lines, patch, change);
    // Every CHECKPOINT-th version is kept, so a later blame at any time replays few commits.
    const checkpoint = (offset + first + at + 1) % CHECKPOINT === 0;
    if (cache?.store && (checkpoint || change === last)) cache.store.put(path, change.sha, toStored(lines), checkpoint);
  });
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
