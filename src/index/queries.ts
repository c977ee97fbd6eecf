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

import { type CommitFilter, filterSql, NARROW_PATH_CHANGES } from './commit-filter.ts';
import { encodeCursor } from './cursor.ts';
import { branchCode, branchName, PARENT_SHA, PATH_ID, packId, unpackId, unpackNullableId } from './index-schema.ts';
import { type ChangeBound, type FileChange, FileChanges } from './file-changes.ts';
import { MessageBlocks } from './message-codec.ts';

export type { CommitFilter } from './commit-filter.ts';
export type { FolderEntryAt } from './folder-at.ts';
export type { CommitRow } from '../domain/recorded-commit.ts';
export type { ChangeBound, FileChange } from './file-changes.ts';

export interface CommitPage {
  readonly commits: CommitRow[];
  readonly next: string | null;
}

interface Row {
  seq: number;
  sha: Uint8Array;
  branch: Branch;
  parent: Uint8Array | null;
  time: number;
  author_name: string;
  author_email: string;
}

/** The columns of a Row, from `commits c` joined with `people a`. */
const ROW = `c.seq, c.sha, ${branchName('c.branch')} AS branch, ${PARENT_SHA} AS parent, c.time, a.name AS author_name,
  a.email AS author_email`;

export class IndexQueries {
  readonly #db: DatabaseSync;
  /** Run once per file of a folder listing: prepared once, like the listing's own steps. */
  readonly #fileAt: StatementSync;
  readonly #folder: FolderStatements;
  readonly #messages: MessageBlocks;
  readonly #files: FileChanges;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#messages = new MessageBlocks(db);
    this.#messages.registerTextMatch();
    this.#fileAt = db.prepare(
      `SELECT p.blob, p.op, c.sha, c.time FROM changes p JOIN commits c ON c.seq = p.seq WHERE p.path = ${PATH_ID} ` +
        'AND c.branch = ? AND c.time <= ? ORDER BY c.time DESC, c.seq DESC LIMIT 1',
    );
    this.#folder = prepareFolderStatements(db);
    this.#files = new FileChanges(db, this.#messages);
  }

  #changes(seqs: readonly number[]): Map<number, CommitRow['changes']> {
    const out = new Map<number, Array<CommitRow['changes'][number]>>();
    if (seqs.length === 0) return out;
    const rows = this.#db
      .prepare(
        `SELECT p.seq, f.path, p.op, p.blob FROM changes p JOIN paths f ON f.id = p.path WHERE p.seq IN ` +
          `(${seqs.map(() => '?').join(',')}) ORDER BY f.path`,
      )
      .all(...seqs) as Array<{ seq: number; path: string; op: ChangeOp; blob: Uint8Array | null }>;
    for (const row of rows) {
      const list = out.get(row.seq) ?? [];
      list.push({ path: row.path, op: row.op, blob: unpackNullableId(row.blob) });
      out.set(row.seq, list);
    }
    return out;
  }

  #toCommits(rows: readonly Row[]): CommitRow[] {
    const changes = this.#changes(rows.map((row) => row.seq));
    return rows.map((row) => {
      const message = this.#messages.decode(row.seq);
      return {
        sha: unpackId(row.sha),
        branch: row.branch,
        parent: unpackNullableId(row.parent),
        time: row.time,
        author: { name: row.author_name, email: row.author_email },
        subject: message.subject,
        body: message.body,
        trailers: message.trailers,
        changes: changes.get(row.seq) ?? [],
      };
    });
  }

  /** Commits newest first (by author time), filtered, one page at a time. */
  listCommits(filter: CommitFilter = {}): CommitPage {
    const { from, fromParams, where, params } = filterSql(filter, (pathParams) => this.#isNarrowPath(pathParams));
    const limit = Math.max(1, Math.min(filter.limit ?? 50, 1000));
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const sql =
      `SELECT ${ROW} FROM ${from} JOIN people a ON a.id = c.author ${whereSql} ` +
      'ORDER BY c.time DESC, c.seq DESC LIMIT ?';
    this.#messages.startScan();
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
        'SELECT count(*) AS n FROM (SELECT 1 FROM paths f CROSS JOIN changes p ON p.path = f.id WHERE f.path = ? OR ' +
          `(f.path >= ? AND f.path < ?) LIMIT ${NARROW_PATH_CHANGES + 1})`,
      )
      .get(...pathParams) as { n: number };
    return row.n <= NARROW_PATH_CHANGES;
  }

  /** The commit a full id or an unambiguous prefix of one (lower-case hex) names. */
  getCommit(sha: string): CommitRow | null {
    if (!/^[0-9a-f]{0,40}$/.test(sha)) return null;
    const select = `SELECT ${ROW} FROM commits c JOIN people a ON a.id = c.author`;
    const rows = (sha.length === 40
      ? this.#db.prepare(`${select} WHERE c.sha = ?`).all(packId(sha))
      : this.#db
          .prepare(`${select} WHERE c.sha BETWEEN ? AND ? LIMIT 2`)
          .all(Buffer.from(sha.padEnd(40, '0'), 'hex'), Buffer.from(sha.padEnd(40, 'f'), 'hex'))) as unknown as Row[];
    return rows.length === 1 ? (this.#toCommits(rows)[0] as CommitRow) : null;
  }

  /** The file's first recorded change on a branch, or null when it was never recorded. */
  firstChange(
    path: string,
    branch: Branch = 'main',
  ): { sha: string; time: number; author: { name: string; email: string } } | null {
    const row = this.#db
      .prepare(
        'SELECT c.sha, c.time, a.name AS author_name, a.email AS author_email FROM changes p CROSS JOIN commits c ' +
          `ON c.seq = p.seq JOIN people a ON a.id = c.author WHERE p.path = ${PATH_ID} AND c.branch = ? ORDER BY ` +
          'c.seq LIMIT 1',
      )
      .get(path, branchCode(branch)) as
      | { sha: Uint8Array; time: number; author_name: string; author_email: string }
      | undefined;
    return row
      ? { sha: unpackId(row.sha), time: row.time, author: { name: row.author_name, email: row.author_email } }
      : null;
  }

  /** The file's last change at or before `at` (epoch ms): its blob, or null when it did not exist. */
  fileAt(path: string, at: number, branch: Branch = 'main'): { blob: string | null; sha: string; time: number } | null {
    const row = this.#fileAt.get(path, branchCode(branch), at) as
      | { blob: Uint8Array | null; op: ChangeOp; sha: Uint8Array; time: number }
      | undefined;
    return row
      ? { blob: row.op === 'D' ? null : unpackNullableId(row.blob), sha: unpackId(row.sha), time: row.time }
      : null;
  }

  /** The files under `prefix` as they were at `at`: each one's last change not after that instant. */
  stateAt(
    prefix: string,
    at: number,
    branch: Branch = 'main',
  ): Array<{ path: string; blob: string; sha: string; time: number }> {
    const rows = this.#db
      .prepare(
        `SELECT path, blob, sha, time FROM (
           SELECT f.path, p.blob, p.op, c.sha, c.time,
                  ROW_NUMBER() OVER (PARTITION BY p.path ORDER BY c.time DESC, c.seq DESC) AS rn
           FROM paths f JOIN changes p ON p.path = f.id JOIN commits c ON c.seq = p.seq
           WHERE f.path >= ? AND f.path < ? AND c.branch = ? AND c.time <= ?)
         WHERE rn = 1 AND op != 'D' AND blob IS NOT NULL ORDER BY path`,
      )
      .all(prefix, prefixEnd(prefix), branchCode(branch), at) as Array<{
      path: string;
      blob: Uint8Array;
      sha: Uint8Array;
      time: number;
    }>;
    return rows.map((row) => ({ path: row.path, blob: unpackId(row.blob), sha: unpackId(row.sha), time: row.time }));
  }

  /**
   * Every change of one file up to a commit (inclusive) or an instant, oldest first: what an
   * index-driven blame replays; with `last`, only the newest `last` of them (file-changes.ts).
   */
  fileChanges(path: string, upTo: ChangeBound, branch: Branch = 'main', last?: number): FileChange[] {
    return this.#files.list(path, upTo, branch, last);
  }

  /** How many changes of one file came before commit `sha`'s. */
  countFileChanges(path: string, branch: Branch, sha: string): number {
    return this.#files.countBefore(path, sha, branch);
  }

  /** The changes of one file that the commits `shas` made (in no order). */
  fileChangesOf(path: string, shas: readonly string[], branch: Branch = 'main'): FileChange[] {
    return this.#files.of(path, shas, branch);
  }

  /**
   * The file's blob just before commit `sha` changed it, from its previous change in the index:
   * null when that change deleted it, undefined when the index holds no earlier change.
   */
  blobBefore(path: string, sha: string): string | null | undefined {
    return this.#files.blobBefore(path, sha);
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
      .prepare('SELECT path FROM paths WHERE path GLOB ? AND last_time IS NOT NULL ORDER BY path LIMIT ?')
      .all(glob, limit) as Array<{ path: string }>;
    return rows.map((row) => row.path);
  }

  /** How many commits the index holds, per branch. */
  counts(): Record<string, number> {
    const rows = this.#db
      .prepare(`SELECT ${branchName('branch')} AS branch, count(*) AS n FROM commits GROUP BY branch`)
      .all() as Array<{
      branch: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((row) => [row.branch, row.n]));
  }
}
