// The index's compact layout (issue 12) answers as the one before it: messages deflated in
// blocks across batches, parents by seq (also once the parent is forgotten), an index of the
// previous layout rebuilt from the repository.
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import type { ChangeRecord } from '../domain/change.ts';
import { git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Ledger } from '../ledger/ledger.ts';
import { IndexAudit } from './audit-rows.ts';
import { forgetCommits } from './forget-commits.ts';
import { type IndexedCommit, IndexDb } from './index-db.ts';
import { IndexQueries } from './queries.ts';

const sha = (n: number) => n.toString(16).padStart(40, '0');

function commit(n: number, body = `changed field-${n}`): IndexedCommit {
  return {
    sha: sha(n),
    branch: n % 7 === 0 ? 'activity' : 'main',
    parent: n === 1 ? null : sha(n - 1),
    time: 1_700_000_000_000 + n * 1000,
    authorName: `user-${n % 3}`,
    authorEmail: `user-${n % 3}@example.com`,
    subject: `update configmaps default/cm-${n}`,
    body,
    trailers: { Source: n % 2 ? 'kubernetes-audit' : 'cloudtrail', 'Event-ID': `e${n}`, UID: `uid-${n}` },
    changes: [{ path: `kubernetes/prod/cm-${n % 10}.yaml`, op: n <= 10 ? 'A' : 'M', blob: sha(1000 + n) }],
  };
}

test('messages written in many batches (blocks rewritten across them) read back and filter exactly', (t) => {
  const file = join(tempDir(t), 'index.db');
  const index = new IndexDb(file);
  // Batches of 1, 2, 3, … commits: most blocks of 32 are written by more than one batch.
  let n = 1;
  for (let size = 1; n <= 100; size += 1) {
    const batch: IndexedCommit[] = [];
    for (let i = 0; i < size && n <= 100; i += 1, n += 1) batch.push(commit(n, n === 77 ? 'the 100% Needle' : ''));
    index.record(batch, [], new Map([['main', sha(n - 1)]]));
  }
  index.close();

  const reader = new IndexDb(file, { readOnly: true });
  t.after(() => reader.close());
  const queries = new IndexQueries(reader.db);
  for (const m of [1, 31, 32, 33, 64, 100]) {
    const found = queries.getCommit(sha(m));
    assert.equal(found?.subject, `update configmaps default/cm-${m}`);
    assert.deepEqual(found?.trailers, commit(m).trailers);
    assert.equal(found?.parent, m === 1 ? null : sha(m - 1));
    assert.equal(found?.branch, commit(m).branch);
  }
  const texts = (text: string) => queries.listCommits({ text, limit: 1000 }).commits.map((c) => c.sha);
  assert.deepEqual(texts('NEEDLE'), [sha(77)], 'case-insensitive, in the body');
  assert.deepEqual(texts('100%'), [sha(77)], 'a literal %');
  assert.deepEqual(texts('"UID":"uid-42"'), [sha(42)], 'the trailers as JSON text');
  assert.deepEqual(texts('cm-99'), [sha(99)], 'the subject');
  assert.equal(queries.listCommits({ source: 'cloud*', limit: 1000 }).commits.length, 50);
  assert.equal(queries.listCommits({ author: 'USER-1@', limit: 1000 }).commits.length, 34);
  assert.deepEqual(queries.counts(), { main: 86, activity: 14 });
  assert.deepEqual(
    queries.fileChanges('kubernetes/prod/cm-3.yaml', null).map((change) => change.subject),
    [3, 13, 23, 33, 43, 53, 73, 83, 93].map((m) => `update configmaps default/cm-${m}`),
    'main only: 63 is on activity',
  );
  assert.deepEqual(
    queries.fileChanges('kubernetes/prod/cm-3.yaml', { sha: sha(83) }, 'main', 2).map((change) => change.sha),
    [sha(73), sha(83)],
    'the newest two, oldest first',
  );
  assert.equal(queries.countFileChanges('kubernetes/prod/cm-3.yaml', 'main', sha(73)), 6);
  assert.equal(queries.blobBefore('kubernetes/prod/cm-3.yaml', sha(73)), sha(1053), "main's 53, not activity's 63");
  assert.equal(queries.blobBefore('kubernetes/prod/cm-3.yaml', sha(3)), undefined, 'the first change');
  const audit = new IndexAudit(file);
  t.after(() => audit.close());
  const events = [...audit.commits()];
  assert.equal(events.length, 100);
  assert.deepEqual(events[41], { sha: sha(42), source: 'cloudtrail', eventId: 'e42' });
});

test('a commit whose parent is forgotten still names it', (t) => {
  const index = new IndexDb(join(tempDir(t), 'index.db'));
  t.after(() => index.close());
  index.record([commit(1), commit(2), commit(3)], [], new Map());
  assert.equal(forgetCommits(index.db, [sha(1), sha(2), sha(9)]), 2);
  const queries = new IndexQueries(index.db);
  assert.equal(queries.getCommit(sha(3))?.parent, sha(2));
  assert.equal(queries.getCommit(sha(2)), null);
  index.record([commit(4)], [], new Map());
  assert.equal(queries.getCommit(sha(4))?.parent, sha(3));
});

/** The tables of the layout before issue 12 (schema 2), as older releases left index.db. */
const SCHEMA_2 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE heads (branch TEXT PRIMARY KEY, sha TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE commits (seq INTEGER PRIMARY KEY, sha TEXT NOT NULL UNIQUE, branch TEXT NOT NULL, parent TEXT,
  time INTEGER NOT NULL, author_name TEXT NOT NULL, author_email TEXT NOT NULL, subject TEXT NOT NULL,
  body TEXT NOT NULL, source TEXT NOT NULL, event_id TEXT, trailers TEXT NOT NULL);
CREATE TABLE changes (path TEXT NOT NULL, seq INTEGER NOT NULL, op TEXT NOT NULL, blob TEXT,
  PRIMARY KEY (path, seq)) WITHOUT ROWID;
CREATE TABLE events (key TEXT PRIMARY KEY, outcome TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE resources (path TEXT PRIMARY KEY, last_time INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta VALUES ('schema', '2');
`;

function record(eventId: string, minute: number): ChangeRecord {
  return {
    eventId,
    branch: 'main',
    path: 'kubernetes/prod/namespaces/default/core/configmaps/app.yaml',
    update: { kind: 'put', doc: { kind: 'ConfigMap', data: { eventId } } },
    author: { name: 'alice', email: 'alice@example.com' },
    time: Date.parse('2024-06-01T12:00:00Z') + minute * 60_000,
    subject: 'update configmaps default/app',
    trailers: [
      ['Source', 'test'],
      ['Event-ID', eventId],
    ],
    source: 'test',
  };
}

test('an index of the layout before (schema 2) is dropped and rebuilt from the repository', async (t) => {
  const data = tempDir(t);
  let ledger = await Ledger.open({ dataDir: data });
  await ledger.apply({ record: record('e1', 0) });
  await ledger.apply({ record: record('e2', 1) });
  await ledger.close();
  const file = join(data, 'index.db');
  const before = new IndexDb(file, { readOnly: true });
  const expected = new IndexQueries(before.db).listCommits({});
  before.close();

  // What an older release left: its tables, with rows enough to take space.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  const old = new DatabaseSync(file);
  old.exec(SCHEMA_2);
  const insert = old.prepare('INSERT INTO events VALUES (?, ?)');
  old.exec('BEGIN');
  for (let i = 0; i < 20_000; i += 1) insert.run(`key-${i}`, 'committed');
  old.exec('COMMIT');
  old.close();
  const oldSize = statSync(file).size;
  assert.throws(
    () => new IndexDb(file, { readOnly: true }),
    /index\.db: the index has another layout \(schema 2\); gitrail rebuilds it/,
    'a reader says so instead of failing on a missing table',
  );

  ledger = await Ledger.open({ dataDir: data });
  assert.deepEqual(new IndexQueries(ledger.index.db).listCommits({}), expected, 'the same answers, read from git');
  assert.equal(
    (await ledger.apply({ record: record('e1', 0) })).outcome,
    'duplicate',
    'events known from the commits again',
  );
  const tables = ledger.index.db.prepare(`SELECT name FROM sqlite_master WHERE name = 'resources'`).all();
  assert.deepEqual(tables, [], 'the old tables are gone');
  await ledger.close();
  assert.ok(statSync(file).size < oldSize / 2, `${statSync(file).size} bytes, was ${oldSize}`);
  assert.equal(git(join(data, 'repo.git'), 'rev-list', '--count', 'main').trim(), '2');
});
