// The WHERE clause of the timeline's filters (IndexQueries.listCommits): branch, path, author,
// source, time range, free text (message-codec.ts's gitrail_text_match) and the page cursor.
import type { SQLInputValue } from 'node:sqlite';
import type { Branch } from '../domain/change.ts';
import { decodeCursor } from './cursor.ts';
import { branchCode } from './index-schema.ts';
import { prefixEnd } from './folder-at.ts';

export interface CommitFilter {
  readonly branch?: Branch;
  /** A path prefix (a folder) or an exact file path. */
  readonly path?: string;
  /** Case-insensitive substring of the author's name or email. */
  readonly author?: string;
  /** Exact `Source:` value, or a prefix when it ends in `*` (`generic/*`). */
  readonly source?: string;
  readonly since?: number;
  readonly until?: number;
  /** Free text: subject, body or trailers contain it (case-insensitive). */
  readonly text?: string;
  readonly limit?: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string | null;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Up to this many changes under a path filter, listCommits starts from the path's changes. */
export const NARROW_PATH_CHANGES = 5000;

/** The commits a filter selects: `SELECT … FROM ${from} … WHERE ${where.join(' AND ')}`. */
export interface FilterSql {
  readonly from: string;
  readonly fromParams: SQLInputValue[];
  readonly where: string[];
  readonly params: SQLInputValue[];
}

/** `isNarrowPath(pathParams)`: at most NARROW_PATH_CHANGES changes under the path. */
export function filterSql(filter: CommitFilter, isNarrowPath: (pathParams: SQLInputValue[]) => boolean): FilterSql {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (filter.branch) {
    where.push('c.branch = ?');
    params.push(branchCode(filter.branch));
  }
  let from = 'commits c';
  const fromParams: SQLInputValue[] = [];
  if (filter.path) {
    const folder = filter.path.endsWith('/') ? filter.path : `${filter.path}/`;
    const pathParams = [filter.path, folder, prefixEnd(folder)];
    if (isNarrowPath(pathParams)) {
      // Few changes under the path: start from them instead of scanning every commit by time.
      from =
        '(SELECT DISTINCT p.seq FROM paths f CROSS JOIN changes p ON p.path = f.id WHERE f.path = ? OR ' +
        '(f.path >= ? AND f.path < ?)) s CROSS JOIN commits c ON c.seq = s.seq';
      fromParams.push(...pathParams);
    } else {
      where.push(
        'EXISTS (SELECT 1 FROM changes p JOIN paths f ON f.id = p.path WHERE p.seq = c.seq AND (f.path = ? OR ' +
          '(f.path >= ? AND f.path < ?)))',
      );
      params.push(...pathParams);
    }
  }
  if (filter.author) {
    where.push(`c.author IN (SELECT id FROM people WHERE name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')`);
    const like = `%${escapeLike(filter.author)}%`;
    params.push(like, like);
  }
  if (filter.source) {
    if (filter.source.endsWith('*')) {
      where.push(`c.source IN (SELECT id FROM sources WHERE name LIKE ? ESCAPE '\\')`);
      params.push(`${escapeLike(filter.source.slice(0, -1))}%`);
    } else {
      where.push('c.source IN (SELECT id FROM sources WHERE name = ?)');
      params.push(filter.source);
    }
  }
  if (filter.since !== undefined) {
    where.push('c.time >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    where.push('c.time <= ?');
    params.push(filter.until);
  }
  if (filter.text) {
    // As `LIKE '%text%'` on the subject, the body and the trailers' JSON text (message-codec.ts).
    where.push('gitrail_text_match(c.seq, ?) = 1');
    params.push(filter.text);
  }
  const cursor = filter.cursor ? decodeCursor(filter.cursor) : null;
  if (cursor) {
    where.push('(c.time < ? OR (c.time = ? AND c.seq < ?))');
    params.push(cursor.time, cursor.time, cursor.seq);
  }
  return { from, fromParams, where, params };
}
