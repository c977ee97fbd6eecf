// The derived index (DESIGN §1): commits, the paths they change and the source events already
// seen, in SQLite (node:sqlite). The ledger writes it after each flush; readers use it for
// history, blame and filtered lists. It can always be rebuilt from the repository.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Branch } from '../domain/change.ts';

export type ChangeOp = 'A' | 'M' | 'D';

export interface IndexedChange {
  readonly path: string;
  readonly op: ChangeOp;
  /** The blob after the change; null for a deletion. */
  readonly blob: string | null;
}

export interface IndexedCommit {
  readonly sha: string;
  readonly branch: Branch;
  readonly parent: string | null;
  /** Author time, epoch ms. */
  readonly time: number;
  readonly authorName: string;
  readonly authorEmail: string;
  readonly subject: string;
  readonly body: string;
  readonly trailers: Readonly<Record<string, string>>;
  readonly changes: readonly IndexedChange[];
}

export interface SeenEvent {
  readonly key: string;
  readonly outcome: string;
}

const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS heads (branch TEXT PRIMARY KEY, sha TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS commits (
  seq INTEGER PRIMARY KEY,
  sha TEXT NOT NULL UNIQUE,
  branch TEXT NOT NULL,
  parent TEXT,
  time INTEGER NOT NULL,
  author_name TEXT NOT NULL,
  author_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  source TEXT NOT NULL,
  event_id TEXT,
  trailers TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS commits_branch_time ON commits(branch, time, seq);
CREATE INDEX IF NOT EXISTS commits_author_time ON commits(author_name, time);
CREATE TABLE IF NOT EXISTS changes (
  path TEXT NOT NULL,
  seq INTEGER NOT NULL,
  op TEXT NOT NULL,
  blob TEXT,
  PRIMARY KEY (path, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS changes_seq ON changes(seq);
CREATE TABLE IF NOT EXISTS events (key TEXT PRIMARY KEY, outcome TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS resources (path TEXT PRIMARY KEY, last_time INTEGER NOT NULL) WITHOUT ROWID;
`;

export const SCHEMA_VERSION = '1';

/** The idempotency key of one change: the same event changing the same path. */
export function eventKey(source: string, eventId: string, path: string): string {
  return `${source}\u0000${eventId}\u0000${path}`;
}

export class IndexDb {
  readonly db: DatabaseSync;
  readonly #hasEvent: StatementSync;
  readonly #lastTime: StatementSync;
  readonly #insertCommit: StatementSync;
  readonly #insertChange: StatementSync;
  readonly #insertEvent: StatementSync;
  readonly #upsertResource: StatementSync;
  readonly #setHead: StatementSync;

  constructor(path: string, options: { readOnly?: boolean } = {}) {
    this.db = new DatabaseSync(path, { readOnly: options.readOnly ?? false, timeout: 5000 });
    if (!options.readOnly) {
      this.db.exec(SCHEMA);
      this.db.prepare(`INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)`).run(SCHEMA_VERSION);
    }
    this.#hasEvent = this.db.prepare('SELECT 1 AS found FROM events WHERE key = ?');
    this.#lastTime = this.db.prepare('SELECT last_time FROM resources WHERE path = ?');
    this.#insertCommit = this.db.prepare(
      `INSERT OR IGNORE INTO commits(sha, branch, parent, time, author_name, author_email, subject, body, source, event_id, trailers)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertChange = this.db.prepare('INSERT OR REPLACE INTO changes(path, seq, op, blob) VALUES (?, ?, ?, ?)');
    this.#insertEvent = this.db.prepare('INSERT OR IGNORE INTO events(key, outcome) VALUES (?, ?)');
    this.#upsertResource = this.db.prepare(
      `INSERT INTO resources(path, last_time) VALUES (?, ?)
       ON CONFLICT(path) DO UPDATE SET last_time = max(last_time, excluded.last_time)`,
    );
    this.#setHead = this.db.prepare('INSERT OR REPLACE INTO heads(branch, sha) VALUES (?, ?)');
  }

  hasEvent(key: string): boolean {
    return this.#hasEvent.get(key) !== undefined;
  }

  /** The author time of the last recorded change of `path` (also after its deletion). */
  lastTime(path: string): number | null {
    const row = this.#lastTime.get(path) as { last_time: number } | undefined;
    return row ? row.last_time : null;
  }

  heads(): Map<Branch, string> {
    const rows = this.db.prepare('SELECT branch, sha FROM heads').all() as Array<{ branch: Branch; sha: string }>;
    return new Map(rows.map((row) => [row.branch, row.sha]));
  }

  /** Records a flushed batch atomically: commits, their changes, seen events and the new heads. */
  record(commits: readonly IndexedCommit[], seen: readonly SeenEvent[], heads: ReadonlyMap<Branch, string>): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const commit of commits) this.#recordCommit(commit);
      for (const event of seen) this.#insertEvent.run(event.key, event.outcome);
      for (const [branch, sha] of heads) this.#setHead.run(branch, sha);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  #recordCommit(commit: IndexedCommit): void {
    const source = commit.trailers['Source'] ?? '';
    const eventId = commit.trailers['Event-ID'] ?? null;
    const result = this.#insertCommit.run(
      commit.sha, commit.branch, commit.parent, commit.time, commit.authorName, commit.authorEmail,
      commit.subject, commit.body, source, eventId, JSON.stringify(commit.trailers),
    );
    if (result.changes === 0) return;
    const seq = Number(result.lastInsertRowid);
    for (const change of commit.changes) {
      this.#insertChange.run(change.path, seq, change.op, change.blob);
      if (eventId) this.#insertEvent.run(eventKey(source, eventId, change.path), 'committed');
      if (commit.branch === 'main') this.#upsertResource.run(change.path, commit.time);
      const latePath = commit.trailers['Late-Path'];
      if (latePath && eventId) this.#insertEvent.run(eventKey(source, eventId, latePath), 'late');
    }
  }

  close(): void {
    this.db.close();
  }
}
