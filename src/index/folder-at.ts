// A folder's listing at an instant, from the index alone: its files that existed then and its
// sub-folders holding at least one such file. It skips from one child name to the next in the
// path index, so the cost follows the number of children, not the changes below them.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Branch } from '../domain/change.ts';

/** A file or folder in a folder listing at an instant; a file names its last change then. */
export type FolderEntryAt =
  | { readonly name: string; readonly type: 'file'; readonly sha: string; readonly time: number }
  | { readonly name: string; readonly type: 'folder' };

/** The smallest string greater than every string starting with `prefix`. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\uffff`;
}

/** The two path-index steps a listing takes: the first path in a range, the next one after a path. */
export interface FolderStatements {
  readonly first: StatementSync;
  readonly after: StatementSync;
}

/** Prepared once per database by its reader (IndexQueries), not per listing. */
export function prepareFolderStatements(db: DatabaseSync): FolderStatements {
  return {
    first: db.prepare('SELECT path FROM paths WHERE path >= ? AND path < ? ORDER BY path LIMIT 1'),
    after: db.prepare('SELECT path FROM paths WHERE path > ? AND path < ? ORDER BY path LIMIT 1'),
  };
}

/** `fileAt(path)`: the file's last change at the instant, with its blob null when it did not exist. */
export function listFolderAt(
  { first, after }: FolderStatements,
  fileAt: (path: string) => { readonly blob: string | null; readonly sha: string; readonly time: number } | null,
  folder: string,
  branch: Branch,
): FolderEntryAt[] {
  const prefix = folder === '' ? '' : `${folder}/`;
  const end = prefixEnd(prefix);
  /** Whether any file under `sub` existed at the instant: file by file, until one did. */
  const isLive = (sub: string): boolean => {
    const subEnd = prefixEnd(sub);
    for (
      let file = first.get(sub, subEnd) as { path: string } | undefined;
      file;
      file = after.get(file.path, subEnd) as { path: string } | undefined
    ) {
      if (fileAt(file.path)?.blob) return true;
    }
    return false;
  };
  const entries: FolderEntryAt[] = [];
  let row = first.get(prefix, end) as { path: string } | undefined;
  while (row) {
    const rest = row.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash === -1 ? rest : rest.slice(0, slash);
    if (slash === -1) {
      const file = fileAt(row.path);
      if (file?.blob) entries.push({ name, type: 'file', sha: file.sha, time: file.time });
      row = after.get(row.path, end) as { path: string } | undefined;
    } else {
      const sub = `${prefix}${name}/`;
      // `activity/` holds the activity branch's files and nothing else (DESIGN §3).
      const isOtherBranch = prefix === '' && (name === 'activity') !== (branch === 'activity');
      if (!isOtherBranch && isLive(sub)) entries.push({ name, type: 'folder' });
      // '0' is the character after '/': the first path past everything under `sub`.
      row = first.get(`${prefix}${name}0`, end) as { path: string } | undefined;
    }
  }
  return entries;
}
