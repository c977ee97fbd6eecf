// The index's SQLite schema: its tables, their indexes and the version a database must carry
// (a different one is rebuilt from git).

export const SCHEMA = `
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
CREATE TABLE IF NOT EXISTS facts (
  id INTEGER PRIMARY KEY,
  cluster TEXT NOT NULL,
  path TEXT NOT NULL,
  uid TEXT,
  resource_version TEXT,
  time INTEGER NOT NULL,
  actor_name TEXT NOT NULL,
  actor_email TEXT NOT NULL,
  verb TEXT NOT NULL,
  event_id TEXT NOT NULL,
  trailers TEXT NOT NULL,
  UNIQUE (event_id, path)
);
CREATE INDEX IF NOT EXISTS facts_uid_rv ON facts(uid, resource_version);
CREATE INDEX IF NOT EXISTS facts_path_time ON facts(path, time);
CREATE INDEX IF NOT EXISTS facts_time ON facts(time);
`;

export const SCHEMA_VERSION = '2';

/** Every table, dropped and created again when the schema version changes. */
export const TABLES = ['meta', 'heads', 'commits', 'changes', 'events', 'resources', 'facts'] as const;
