// The investigator's timeline: pages of changes from the index (newest first), each with what
// the format shows (the file's text before and after, or git's patch) read from git in one
// batch per page. The index narrows by
// branch, time, source and folder; the change filter decides the rest.
import type { Branch } from '../domain/change.ts';
import type { ChangeOp, CommitRow } from '../domain/recorded-commit.ts';
import { readTexts } from '../ledger/cat-file.ts';
import { readPatches } from './git-batch.ts';
import type { ChangeFilter } from './change-filter.ts';
import type { DataSource } from './data-source.ts';

export interface ChangeEntry {
  readonly commit: CommitRow;
  readonly path: string;
  readonly op: ChangeOp;
  /**
   * The file's text before the change (null when it did not exist) and after (null when
   * deleted); both null when not read (see EntryReads).
   */
  readonly before: string | null;
  readonly after: string | null;
  /** git's patch for the change (from `diff --git` on), when it was asked for. */
  readonly patch: string | null;
}

/** What to read from git for each change: only what the format shows. */
export interface EntryReads {
  /** The texts before and after (summaries, JSON patches); never read for activity events. */
  readonly texts: boolean;
  /** git's patch (the `diff` format). */
  readonly patches: boolean;
}

const TEXTS_ONLY: EntryReads = { texts: true, patches: false };

export interface TimelineQuery {
  /** One branch, or both when undefined (`--activity`). */
  readonly branch?: Branch | undefined;
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  /** `Source:` trailer, exact or `prefix*`. */
  readonly source?: string | undefined;
  readonly filter: ChangeFilter;
  /** At most this many changes in all. */
  readonly limit?: number | undefined;
  /** What to read from git for each change (default: the texts). */
  readonly reads?: EntryReads | undefined;
}

/**
 * How to name the file's text before a change: its previous blob, from the index (a blob by id
 * is read without walking trees), else `<parent>:<path>`; '' when a deletion came before.
 */
function beforeName(source: DataSource, commit: CommitRow, path: string): string {
  const previous = source.queries.blobBefore(path, commit.sha);
  return previous === undefined ? `${commit.parent}:${path}` : (previous ?? '');
}

/** Loads what `reads` asks for around each (commit, path) change: one git run for each kind. */
export async function loadEntries(
  source: DataSource,
  changes: ReadonlyArray<{ commit: CommitRow; path: string; op: ChangeOp; blob: string | null }>,
  reads: EntryReads = TEXTS_ONLY,
): Promise<ChangeEntry[]> {
  const names: string[] = [];
  for (const { commit, path, op, blob } of changes) {
    const texts = reads.texts && commit.branch !== 'activity';
    names.push(texts && commit.parent && op !== 'A' ? beforeName(source, commit, path) : '', texts ? (blob ?? '') : '');
  }
  // A file's history names each blob twice (after one change, before the next): read once.
  const wanted = [...new Set(names)].filter((name) => name !== '');
  const [texts, patches] = await Promise.all([
    readTexts(source.gitdir, wanted),
    reads.patches
      ? readPatches(
          source.gitdir,
          changes.map(({ commit }) => commit.sha),
        )
      : Promise.resolve(new Map<string, string>()),
  ]);
  const byName = new Map(wanted.map((name, at) => [name, texts[at] ?? null]));
  return changes.map(({ commit, path, op }, i) => ({
    commit,
    path,
    op,
    before: byName.get(names[2 * i] as string) ?? null,
    after: op === 'D' ? null : (byName.get(names[2 * i + 1] as string) ?? null),
    patch: patches.get(`${commit.sha}\0${path}`) ?? null,
  }));
}

/** Pages of matching changes, newest first, until the index is exhausted or `limit` is reached. */
export async function* readTimeline(
  source: DataSource,
  query: TimelineQuery,
  pageSize = 200,
): AsyncGenerator<ChangeEntry[]> {
  let cursor: string | null = null;
  let remaining = query.limit ?? Number.POSITIVE_INFINITY;
  const prefix = query.branch === 'main' ? query.filter.prefix : '';
  do {
    const page = source.queries.listCommits({
      ...(query.branch ? { branch: query.branch } : {}),
      ...(prefix ? { path: prefix } : {}),
      ...(query.filter.author ? { author: query.filter.author } : {}),
      ...(query.source ? { source: query.source } : {}),
      ...(query.since !== undefined ? { since: query.since } : {}),
      ...(query.until !== undefined ? { until: query.until } : {}),
      limit: pageSize,
      cursor,
    });
    cursor = page.next;
    const kept = page.commits
      .flatMap((commit) => commit.changes.map((change) => ({ commit, ...change })))
      .filter(({ commit, path }) => query.filter.accepts(commit, path))
      .slice(0, remaining);
    remaining -= kept.length;
    if (kept.length > 0) yield await loadEntries(source, kept, query.reads);
  } while (cursor !== null && remaining > 0);
}
