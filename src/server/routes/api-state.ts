// The repository as it was at `at=`: a file's text, its blame, a folder's entries. A commit id
// reads the git tree of that commit; an instant reads the index (the last change of each file
// not after it), so "what did prod look like at 02:00?" never walks history.
import { z } from 'zod';
import type { Branch } from '../../domain/change.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { blameFile, type BlameCache } from '../../index/blame.ts';
import type { CommitPage, IndexQueries } from '../../index/queries.ts';
import type { BlameLine, RepositoryReader } from '../../ledger/reader.ts';
import { branchOfPath } from '../../normalise/paths.ts';
import { Cursor, Limit, RepoPath, type At } from './api-params.ts';

export interface FolderEntry {
  readonly name: string;
  readonly path: string;
  readonly type: 'file' | 'folder';
  /** For an instant: the commit that last changed the file before it. */
  readonly sha?: string;
  readonly time?: number;
}

export interface StateDeps {
  readonly queries: IndexQueries;
  readonly reader: RepositoryReader;
}

/** `/api/history?path=&limit=&cursor=`; the `/history/*path` page reads only the cursor. */
export const HistoryQuery = z.object({ path: RepoPath, limit: Limit, cursor: Cursor });

/** One page of the commits that touched a file, newest first; NotFoundError when none ever did. */
export function historyPage(
  queries: IndexQueries,
  path: string,
  page: { limit: number; cursor: string | null },
): CommitPage {
  const found = queries.listCommits({ branch: branchOfPath(path), path, limit: page.limit, cursor: page.cursor });
  if (found.commits.length === 0 && !page.cursor) throw new NotFoundError(`no commit ever touched ${path}`);
  return found;
}

/**
 * The full commit id a commit `at` names (the branch head when omitted), or null when it names none. An instant is read
 * from the index instead.
 */
async function commitOf(deps: StateDeps, at: Exclude<At, { kind: 'time' }>, branch: Branch): Promise<string | null> {
  return at.kind === 'head' ? deps.reader.resolve(branch) : (deps.queries.getCommit(at.sha)?.sha ?? null);
}

/** A file's text and the commit it is read at, or null when it does not exist there. */
export async function fileAt(deps: StateDeps, path: string, at: At): Promise<{ text: string; sha: string } | null> {
  if (at.kind === 'time') {
    const found = deps.queries.fileAt(path, at.time, branchOfPath(path));
    if (!found?.blob) return null;
    return { text: await deps.reader.readBlob(found.blob), sha: found.sha };
  }
  const sha = await commitOf(deps, at, branchOfPath(path));
  if (!sha) return null;
  const text = await deps.reader.readFile(sha, path);
  return text === null ? null : { text, sha };
}

/**
 * Blame of a file as it was at `at`, replayed from the index (api-blame.ts). For an instant,
 * that is the file as of its last change not after it; for a commit, as of that commit.
 */
export async function blameAt(
  deps: StateDeps,
  path: string,
  at: At,
  cache?: BlameCache,
): Promise<{ sha: string; lines: BlameLine[] } | null> {
  const branch = branchOfPath(path);
  let upTo: { sha: string } | { time: number } | null = null;
  if (at.kind === 'time') upTo = { time: at.time };
  else if (at.kind === 'sha') {
    const commit = deps.queries.getCommit(at.sha);
    if (!commit || commit.branch !== branch) return null;
    upTo = { sha: commit.sha };
  }
  return blameFile(deps.queries, deps.reader, { path, branch, upTo }, cache);
}

/** The entries of a folder at `at`, folders first; null when the folder does not exist then. */
export async function folderAt(deps: StateDeps, folder: string, at: At): Promise<FolderEntry[] | null> {
  const prefix = folder === '' ? '' : `${folder}/`;
  let entries: FolderEntry[];
  if (at.kind === 'time') {
    entries = deps.queries
      .folderAt(folder, at.time, branchOfPath(folder))
      .map((entry) => ({ ...entry, path: prefix + entry.name }));
    if (entries.length === 0 && folder !== '') return null;
  } else {
    const sha = await commitOf(deps, at, branchOfPath(folder));
    if (!sha) return folder === '' && at.kind === 'head' ? [] : null;
    const tree = await deps.reader.listTree(sha, folder);
    if (!tree) return null;
    entries = tree.map((entry) => ({ name: entry.name, path: prefix + entry.name, type: entry.type }));
  }
  return entries.sort((a, b) =>
    a.type === b.type ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.type === 'folder' ? -1 : 1,
  );
}
