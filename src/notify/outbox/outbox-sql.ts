// The outbox's SQL (outbox-db.ts): its schema, and the statements of the recording and
// sending paths, which OutboxDb prepares once per connection.

export const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cursor (branch TEXT PRIMARY KEY, sha TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  policy TEXT NOT NULL,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  group_key TEXT,
  severity TEXT NOT NULL,
  state TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  resumed INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(state, channel, due_at, id);
CREATE INDEX IF NOT EXISTS deliveries_policy ON deliveries(policy, channel, kind, created_at);
CREATE TABLE IF NOT EXISTS matches (
  id INTEGER PRIMARY KEY,
  commit_sha TEXT NOT NULL,
  policy TEXT NOT NULL,
  channel TEXT NOT NULL,
  severity TEXT NOT NULL,
  actor TEXT NOT NULL,
  path TEXT NOT NULL,
  item TEXT NOT NULL,
  disposition TEXT NOT NULL,
  reason TEXT,
  delivery_id INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (commit_sha, policy, channel)
);
CREATE INDEX IF NOT EXISTS matches_delivery ON matches(delivery_id, id);
CREATE INDEX IF NOT EXISTS matches_repeat ON matches(policy, channel, path, created_at);
`;

/** With the count of its matches: only for listing (the count is a scan of the delivery's matches). */
export const ROW_COLUMNS = `d.*, (SELECT count(*) FROM matches m WHERE m.delivery_id = d.id) AS matches`;

/** The statements of the recording and sending paths, prepared once per connection. */
export const STATEMENTS = {
  cursor: 'SELECT sha FROM cursor WHERE branch = ?',
  setCursor: 'INSERT OR REPLACE INTO cursor(branch, sha) VALUES (?, ?)',
  hasMatch: 'SELECT 1 FROM matches WHERE commit_sha = ? AND policy = ? AND channel = ?',
  insertMatch:
    `INSERT OR IGNORE INTO matches(commit_sha, policy, channel, severity, actor, path, item, ` +
    `disposition, reason, delivery_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  createDelivery:
    `INSERT INTO deliveries(key, policy, channel, kind, group_key, severity, state, due_at, ` +
    `created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  severity: 'SELECT severity FROM deliveries WHERE id = ?',
  setSeverity: 'UPDATE deliveries SET severity = ? WHERE id = ?',
  get: `SELECT ${ROW_COLUMNS} FROM deliveries d WHERE id = ?`,
  openDelivery:
    `SELECT id FROM deliveries WHERE policy = ? AND channel = ? AND kind = ? AND group_key IS ? AND ` +
    `state = 'collecting' AND due_at > ? ORDER BY id DESC LIMIT 1`,
  messagesSince:
    `SELECT count(*) AS n, min(created_at) AS oldest FROM deliveries WHERE policy = ? AND channel = ` +
    `? AND kind != 'summary' AND created_at > ?`,
  announcedSince:
    `SELECT 1 FROM matches WHERE policy = ? AND channel = ? AND path = ? AND disposition = ` +
    `'message' AND created_at > ? LIMIT 1`,
  promoteDue: `UPDATE deliveries SET state = 'pending', updated_at = ? WHERE state = 'collecting' AND due_at <= ?`,
  nextDue:
    `SELECT * FROM deliveries WHERE state = 'pending' AND channel = ? AND due_at <= ? ORDER BY due_at, id ` + `LIMIT 1`,
  activeChannels: `SELECT DISTINCT channel FROM deliveries WHERE state IN ('pending', 'collecting')`,
  nextDueAt: `SELECT min(due_at) AS at FROM deliveries WHERE state IN ('pending', 'collecting')`,
  claim:
    `UPDATE deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ? AND ` +
    `state = 'pending' RETURNING attempts`,
  markSent: `UPDATE deliveries SET state = 'sent', sent_at = ?, updated_at = ?, last_error = NULL WHERE id = ?`,
  markRetry:
    `UPDATE deliveries SET state = 'pending', due_at = ?, last_error = ?, updated_at = ?, resumed = ` +
    `resumed OR ?, attempts = max(0, attempts - ?) WHERE id = ?`,
  markDead: `UPDATE deliveries SET state = 'dead', last_error = ?, updated_at = ? WHERE id = ?`,
  items: 'SELECT item FROM matches WHERE delivery_id = ? ORDER BY id LIMIT ?',
  actors:
    'SELECT actor AS name, count(*) AS count FROM matches WHERE delivery_id = ? GROUP BY actor ORDER BY count ' +
    'DESC, actor',
  counts: 'SELECT channel, state, count(*) AS count FROM deliveries GROUP BY channel, state',
  deadCounts: `SELECT channel, count(*) AS count FROM deliveries WHERE state = 'dead' GROUP BY channel`,
} as const;
