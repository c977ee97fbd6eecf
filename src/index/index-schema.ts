// The index's SQLite schema: its tables, their indexes and the version a database must carry
// (a different one is rebuilt from git). Kept small (issue 12): object ids are 20-byte BLOBs,
// paths, people and sources are integer ids into dictionaries, and commits' subjects, bodies and
// trailers are deflated 32 at a time (message-codec.ts); only what a query filters on is a column.

/**
 * 8 kB pages: a block of messages (about 1.7 kB) wastes a quarter of a 4 kB page, a tenth of
 * these (the index measured 8.8 MB with 4 kB pages, 8.1 MB with 8 kB, at 10k resources).
 */
export const PAGE_SIZE = 8192;

export const SCHEMA = `
PRAGMA page_size = ${PAGE_SIZE};
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS heads (branch TEXT PRIMARY KEY, sha TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paths (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  last_time INTEGER
);
CREATE TABLE IF NOT EXISTS people (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  UNIQUE (name, email)
);
CREATE TABLE IF NOT EXISTS sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS messages (block INTEGER PRIMARY KEY, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS commits (
  seq INTEGER PRIMARY KEY,
  sha BLOB NOT NULL UNIQUE,
  branch INTEGER NOT NULL,
  parent BLOB,
  time INTEGER NOT NULL,
  author INTEGER NOT NULL,
  source INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS commits_branch_time ON commits(branch, time);
CREATE TABLE IF NOT EXISTS changes (
  path INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  op TEXT NOT NULL,
  blob BLOB,
  PRIMARY KEY (path, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS changes_seq ON changes(seq);
CREATE TABLE IF NOT EXISTS events (key BLOB PRIMARY KEY) WITHOUT ROWID;
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

export const SCHEMA_VERSION = '3';

/** Every table, dropped and created again when the schema version changes (older layouts' tables included). */
export const TABLES = [
  'meta',
  'heads',
  'commits',
  'changes',
  'events',
  'resources',
  'facts',
  'paths',
  'people',
  'sources',
  'messages',
] as const;

/**
 * SQL for the parent id of commit `c`: its parent column holds the parent's seq when the index
 * held the parent (as it almost always does), else the parent's id.
 */
/** The id of a path in the paths dictionary, as a subquery (a path never recorded matches nothing). */
export const PATH_ID = '(SELECT id FROM paths WHERE path = ?)';

export const PARENT_SHA =
  "CASE typeof(c.parent) WHEN 'integer' THEN (SELECT p.sha FROM commits p WHERE p.seq = c.parent) ELSE c.parent END";

/** Branches as the commits table stores them. */
const BRANCH_CODES = { main: 0, activity: 1 } as const;

export function branchCode(branch: string): number {
  const code = BRANCH_CODES[branch as keyof typeof BRANCH_CODES];
  if (code === undefined) throw new Error(`the index has no branch ${branch}`);
  return code;
}

/** SQL turning a branch code column back into its name. */
export function branchName(column: string): string {
  return `CASE ${column} WHEN 0 THEN 'main' ELSE 'activity' END`;
}

const OBJECT_ID = /^[0-9a-f]{40}$/;

/** A git object id as stored: 20 bytes (anything else, as tests may write, stays text). */
export function packId(id: string): Uint8Array | string {
  return OBJECT_ID.test(id) ? Buffer.from(id, 'hex') : id;
}

/** The id a column holds, as hex text. */
export function unpackId(value: unknown): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : String(value);
}

/** `unpackId`, keeping null. */
export function unpackNullableId(value: unknown): string | null {
  return value === null || value === undefined ? null : unpackId(value);
}

const EVENT_KEY = /^[A-Za-z0-9_-]{22}$/;

/** An event key as stored: its 128 bits (eventKey's base64url text), anything else as text. */
export function packEventKey(key: string): Uint8Array | string {
  return EVENT_KEY.test(key) ? Buffer.from(key, 'base64url') : key;
}
