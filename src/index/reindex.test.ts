import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeRecord } from '../domain/change.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Ledger } from '../ledger/ledger.ts';
import { readRef } from '../ledger/refs.ts';
import { commitEventKey, IndexDb } from './index-db.ts';
import { IndexQueries } from './queries.ts';
import { catchUpIndex } from './reindex.ts';

const folder = 'kubernetes/prod/namespaces/default/core/configmaps';

function record(eventId: string, name: string, minute: number): ChangeRecord {
  return {
    eventId,
    branch: 'main',
    path: `${folder}/${name}.yaml`,
    update: { kind: 'put', doc: { kind: 'ConfigMap', data: { eventId } } },
    author: { name: 'alice', email: 'alice@example.com' },
    time: Date.parse('2024-06-01T12:00:00Z') + minute * 60_000,
    subject: `update configmaps default/${name}`,
    trailers: [
      ['Source', 'test'],
      ['Event-ID', eventId],
    ],
    source: 'test',
  };
}

/** A commit on top of main written by git itself (another writer, or a crash after the ref moved): adds one file. */
function commitBeside(gitdir: string, dir: string, path: string): string {
  const env = {
    ...process.env,
    GIT_INDEX_FILE: join(dir, 'scratch-index'),
    GIT_AUTHOR_NAME: 'bob',
    GIT_AUTHOR_EMAIL: 'bob@example.com',
    GIT_AUTHOR_DATE: '2024-06-01T13:00:00Z',
    GIT_COMMITTER_NAME: 'bob',
    GIT_COMMITTER_EMAIL: 'bob@example.com',
  };
  const run = (args: string[], input?: string) =>
    execFileSync('git', ['--git-dir', gitdir, ...args], {
      env,
      encoding: 'utf8',
      ...(input === undefined ? {} : { input }),
    }).trim();
  const parent = run(['rev-parse', 'main']);
  const blob = run(['hash-object', '-w', '--stdin'], 'kind: ConfigMap\ndata:\n  by: git\n');
  run(['read-tree', 'main']);
  run(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`]);
  const tree = run(['write-tree']);
  const sha = run(
    ['commit-tree', tree, '-p', parent],
    'create configmaps default/beside\n\nSource: manual\nEvent-ID: m1\n',
  );
  run(['update-ref', 'refs/heads/main', sha, parent]);
  return sha;
}

test('catchUpIndex indexes only the commits past the head the index knows', async (t) => {
  const data = tempDir(t);
  const gitdir = join(data, 'repo.git');
  let ledger = await Ledger.open({ dataDir: data });
  await ledger.apply({ record: record('e1', 'one', 0) });
  await ledger.apply({ record: record('e2', 'two', 1) });
  await ledger.close();
  const path = `${folder}/beside.yaml`;
  const sha = commitBeside(gitdir, data, path);

  const index = new IndexDb(join(data, 'index.db'));
  assert.notEqual(index.heads().get('main'), sha);
  assert.equal(
    await catchUpIndex(
      index,
      gitdir,
      new Map([
        ['main', readRef(gitdir, 'refs/heads/main')],
        ['activity', null],
      ]),
    ),
    1,
    'one commit read, not the whole branch again',
  );
  assert.equal(index.commitCount(), 3);
  assert.equal(index.heads().get('main'), sha);
  const commit = new IndexQueries(index.db).getCommit(sha);
  assert.deepEqual(commit?.changes, [{ path, op: 'A', blob: git(gitdir, 'rev-parse', `main:${path}`).trim() }]);
  assert.equal(commit?.author.name, 'bob');
  assert.equal(commit?.trailers['Event-ID'], 'm1');
  assert.ok(index.hasEvent(commitEventKey({ Source: 'manual', 'Event-ID': 'm1' }, path) as string));
  assert.equal(await catchUpIndex(index, gitdir, new Map([['main', sha]])), 0, 'nothing left to read');
  index.close();

  // The writer opens on top of it: the commit's event is seen, its file is current.
  ledger = await Ledger.open({ dataDir: data });
  assert.equal(
    (
      await ledger.apply({
        record: {
          ...record('m1', 'beside', 2),
          trailers: [
            ['Source', 'manual'],
            ['Event-ID', 'm1'],
          ],
          source: 'manual',
        },
      })
    ).outcome,
    'duplicate',
  );
  assert.equal(
    (await ledger.apply({ record: record('e3', 'beside', 0) })).outcome,
    'late',
    'older than the change git recorded',
  );
  assert.equal((await ledger.apply({ record: record('e4', 'beside', 90) })).outcome, 'committed');
  await ledger.close();
  assert.equal(git(gitdir, 'rev-parse', 'main~1').trim(), sha);
  fsckStrict(gitdir);
});
