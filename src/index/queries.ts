// Read queries over the index: the timeline with filters, one file's history, and the state
// of a folder at any instant. Used by the web viewer, the JSON API and the investigator CLI;
// none of them walks git history per request.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Branch } from '../domain/change.ts';
import type { ChangeOp, CommitRow } from '../domain/recorded-commit.ts';
import {
  listFolderAt,
  prefixEnd,
  prepareFolderStatements,
  type FolderEntryAt,
  type FolderStatements,
} from './folder-at.ts';

import { decodeCursor, encodeCursor } from './cursor.ts';

export type { FolderEntryAt } from './folder-at.ts';
export type { CommitRow } from '../domain/recorded-commit.ts';

/** One change of one file, as blame replays it. */
export interface FileChange {
  readonly sha: string;
  readonly time: number;
  readonly author: { readonly name: string; readonly email: string };
  readonly subject: string;
  readonly op: ChangeOp;
  /** The file's blob after the change; null when it deleted the file. */
  readonly blob: string | null;
}

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

export interface CommitPage {
  readonly commits: CommitRow[];
  readonly next: string | null;
}

interface Row {
  seq: number;
  sha: string;
  branch: Branch;
  parent: string | null;
  time: number;
  author_name: string;
  author_email: string;
  subject: string;
  body: string;
  trailers: string;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Up to this many changes under a path filter, listCommits starts from the path's changes. */
const NARROW_PATH_CHANGES = 5000;

export class IndexQueries {
  readonly #db: DatabaseSync;
  /** Run once per file of a folder listing: prepared once, like the listing's own steps. */
  readonly #fileAt: StatementSync;
  readonly #folder: FolderStatements;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#fileAt = db.prepare(
      'SELECT p.blob, p.op, c.sha, c.time FROM changes p JOIN commits c ON c.seq = p.seq WHERE p.path = ? AND ' +
        'c.branch = ? AND c.time <= ? ORDER BY c.time DESC, c.seq DESC LIMIT 1',
    );
    this.#folder = prepareFolderStatements(db);
  }

  #changes(seqs: readonly number[]): Map<number, CommitRow['changes']> {
    const out = new Map<number, Array<CommitRow['changes'][number]>>();
    if (seqs.length === 0) return out;
    const rows = this.#db
      .prepare(`SELECT seq, path, op, blob FROM changes WHERE seq IN (${seqs.map(() => '?').join(',')}) ORDER BY path`)
      .all(...seqs) as Array<{ seq: number; path: string; op: ChangeOp; blob: string | null }>;
    for (const row of rows) {
      const list = out.get(row.seq) ?? [];
      list.push({ path: row.path, op: row.op, blob: row.blob });
      out.set(row.seq, list);
    }
    return out;
  }

  #toCommits(rows: readonly Row[]): CommitRow[] {
    const changes = this.#changes(rows.map((row) => row.seq));
    return rows.map((row) => ({
      sha: row.sha,
      branch: row.branch,
      parent: row.parent,
      time: row.time,
      author: { name: row.author_name, email: row.author_email },
      subject: row.subject,
      body: row.body,
      trailers: JSON.parse(row.trailers) as Record<string, string>,
      changes: changes.get(row.seq) ?? [],
    }));
  }

  /** Commits newest first (by author time), filtered, one page at a time. */
  listCommits(filter: CommitFilter = {}): CommitPage {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (filter.branch) {
      where.push('c.branch = ?');
      params.push(filter.branch);
    }
    let from = 'commits c';
    const fromParams: SQLInputValue[] = [];
    if (filter.path) {
      const folder = filter.path.endsWith('/') ? filter.path : `${filter.path}/`;
      const pathParams = [filter.path, folder, prefixEnd(folder)];
      if (this.#isNarrowPath(pathParams)) {
        // Few changes under the path: start from them instead of scanning every commit by time.
        from =
          '(SELECT DISTINCT seq FROM changes WHERE path = ? OR (path >= ? AND path < ?)) s CROSS JOIN commits c ' +
          'ON c.seq = s.seq';
        fromParams.push(...pathParams);
      } else {
        where.push(
          'EXISTS (SELECT 1 FROM changes p WHERE p.seq = c.seq AND (p.path = ? OR (p.path >= ? AND p.path < ?)))',
        );
        params.push(...pathParams);
      }
    }
    if (filter.author) {
      where.push(`(c.author_name LIKE ? ESCAPE '\\' OR c.author_email LIKE ? ESCAPE '\\')`);
      const like = `%${escapeLike(filter.author)}%`;
      params.push(like, like);
    }
    if (filter.source) {
      if (filter.source.endsWith('*')) {
        where.push(`c.source LIKE ? ESCAPE '\\'`);
        params.push(`${escapeLike(filter.source.slice(0, -1))}%`);
      } else {
        where.push('c.source = ?');
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
      where.push(`(c.subject LIKE ? ESCAPE '\\' OR c.body LIKE ? ESCAPE '\\' OR c.trailers LIKE ? ESCAPE '\\')`);
      const like = `%${escapeLike(filter.text)}%`;
      params.push(like, like, like);
    }
    const cursor = filter.cursor ? decodeCursor(filter.cursor) : null;
    if (cursor) {
      where.push('(c.time < ? OR (c.time = ? AND c.seq < ?))');
      params.push(cursor.time, cursor.time, cursor.seq);
    }
    const limit = Math.max(1, Math.min(filter.limit ?? 50, 1000));
    const sql =
      `SELECT c.* FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.time ` +
      `DESC, c.seq DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...fromParams, ...params, limit + 1) as unknown as Row[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      commits: this.#toCommits(page),
      next: rows.length > limit && last ? encodeCursor(last.time, last.seq) : null,
    };
  }

  /** True when at most NARROW_PATH_CHANGES changes touch the path (exact file or folder prefix). */
  #isNarrowPath(pathParams: readonly SQLInputValue[]): boolean {
    const row = this.#db
      .prepare(
        `SELECT count(*) AS n FROM (SELECT 1 FROM changes WHERE path = ? OR (path >= ? AND path < ?) LIMIT ` +
          `${NARROW_PATH_CHANGES + 1})`,
      )
      .get(...pathParams) as { n: number };
    return row.n <= NARROW_PATH_CHANGES;
  }

  getCommit(sha: string): CommitRow | null {
    const rows = (sha.length === 40
      ? this.#db.prepare('SELECT * FROM commits WHERE sha = ?').all(sha)
      : this.#db
          .prepare(`SELECT * FROM commits WHERE sha >= ? AND sha < ? LIMIT 2`)
          .all(sha, prefixEnd(sha))) as unknown as Row[];
    return rows.length === 1 ? (this.#toCommits(rows)[0] as CommitRow) : null;
  }

  /** The file's first recorded change on a branch, or null when it was never recorded. */
  firstChange(
    path: string,
    branch: Branch = 'main',
  ): { sha: string; time: number; author: { name: string; email: string } } | null {
    const row = this.#db
      .prepare(
        'SELECT c.sha, c.time, c.author_name, c.author_email FROM changes p CROSS JOIN commits c ON c.seq = ' +
          'p.seq WHERE p.path = ? AND c.branch = ? ORDER BY c.seq LIMIT 1',
      )
      .get(path, branch) as { sha: string; time: number; author_name: string; author_email: string } | undefined;
    return row ? { sha: row.sha, time: row.time, author: { name: row.author_name, email: row.author_email } } : null;
  }

  /** The file's last change at or before `at` (epoch ms): its blob, or null when it did not exist. */
  fileAt(path: string, at: number, branch: Branch = 'main'): { blob: string | null; sha: string; time: number } | null {
    const row = this.#fileAt.get(path, branch, at) as
      | { blob: string | null; op: ChangeOp; sha: string; time: number }
      | undefined;
    return row ? { blob: row.op === 'D' ? null : row.blob, sha: row.sha, time: row.time } : null;
  }

  /** The files under `prefix` as they were at `at`: each one's last change not after that instant. */
  stateAt(
    prefix: string,
    at: number,
    branch: Branch = 'main',
  ): Array<{ path: string; blob: string; sha: string; time: number }> {
    return this.#db
      .prepare(
        `SELECT path, blob, sha, time FROM (
           SELECT p.path, p.blob, p.op, c.sha, c.time,
                  ROW_NUMBER() OVER (PARTITION BY p.path ORDER BY c.time DESC, c.seq DESC) AS rn
           FROM changes p JOIN commits c ON c.seq = p.seq
           WHERE p.path >= ? AND p.path < ? AND c.branch = ? AND c.time <= ?)
         WHERE rn = 1 AND op != 'D' AND blob IS NOT NULL ORDER BY path`,
      )
      .all(prefix, prefixEnd(prefix), branch, at) as Array<{ path: string; blob: string; sha: string; time: number }>;
  }

  /**
   * Every change of one file up to a commit (inclusive) or an instant, oldest first: what an
   * index-driven blame replays. On a branch, a file's changes only move forward in time.
   */
  fileChanges(
    path: string,
    upTo: { readonly sha: string } | { readonly time: number } | null,
    branch: Branch = 'main',
  ): FileChange[] {
    const bound =
      upTo === null ? '' : 'sha' in upTo ? 'AND c.seq <= (SELECT seq FROM commits WHERE sha = ?)' : 'AND c.time <= ?';
    const params: SQLInputValue[] = upTo === null ? [] : ['sha' in upTo ? upTo.sha : upTo.time];
    const rows = this.#db
      .prepare(
        `SELECT c.sha, c.time, c.author_name, c.author_email, c.subject, p.op, p.blob FROM changes p CROSS JOIN ` +
          `commits c ON c.seq = p.seq WHERE p.path = ? AND c.branch = ? ${bound} ORDER BY c.seq`,
      )
      .all(path, branch, ...params) as Array<{
      sha: string;
      time: number;
      author_name: string;
      author_email: string;
      subject: string;
      op: ChangeOp;
      blob: string | null;
    }>;
    return rows.map((row) => ({
      sha: row.sha,
      time: row.time,
      author: { name: row.author_name, email: row.author_email },
      subject: row.subject,
      op: row.op,
      blob: row.op === 'D' ? null : row.blob,
    }));
  }

  /** The entries of one folder as they were at `at` (epoch ms); see folder-at.ts. */
  folderAt(folder: string, at: number, branch: Branch = 'main'): FolderEntryAt[] {
    return listFolderAt(this.#folder, (path) => this.fileAt(path, at, branch), folder, branch);
  }

  /**
   * Paths of recorded resources on `main`, deleted ones included, matching a SQLite GLOB
   * (`*` matches any run of characters, `/` too; `[*]` a literal star). For the investigator's
   * resource references (`deploy/web` → the one path it names).
   */
  findPaths(glob: string, limit = 1000): string[] {
    const rows = this.#db
      .prepare('SELECT path FROM resources WHERE path GLOB ? ORDER BY path LIMIT ?')
      .all(glob, limit) as Array<{ path: string }>;
    return rows.map((row) => row.path);
  }

  /** How many commits the index holds, per branch. */
  counts(): Record<string, number> {
    const rows = this.#db.prepare('SELECT branch, count(*) AS n FROM commits GROUP BY branch').all() as Array<{
      branch: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((row) => [row.branch, row.n]));
  }
}
