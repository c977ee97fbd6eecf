import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import type { ChangeRecord } from '../domain/change.ts';
import { IndexQueries } from '../index/queries.ts';
import { Ledger } from '../ledger/ledger.ts';
import { RepositoryReader } from '../ledger/reader.ts';
import { ViewerConfig } from '../config/viewer.ts';
import { createViewerRoutes } from '../server/routes/viewer.ts';
import { ReadView } from './read-view.ts';
import { ShardMap } from './shard-map.ts';

const PROD = 'kubernetes/prod/namespaces/shop/core/configmaps/app.yaml';
const PROD_OLD = 'kubernetes/prod/namespaces/shop/core/configmaps/old.yaml';
const ROLE = 'aws/111122223333/global/iam/Role/deploy.yaml';
const TOKEN = 'view-token-0123456789abcdef';

function record(eventId: string, path: string, time: number, update: ChangeRecord['update']): ChangeRecord {
  const aws = path.startsWith('aws/');
  return {
    eventId,
    branch: 'main',
    path,
    update,
    author: { name: 'alice@example.com', email: 'alice@example.com' },
    time: time * 1000,
    subject: `update ${path}`,
    trailers: [
      ['Source', aws ? 'cloudtrail' : 'kubernetes-audit'],
      aws ? ['Account', '111122223333'] : ['Cluster', 'prod'],
      ['Event-ID', eventId],
      ['Stream-Seq', String(time)],
    ],
    source: aws ? 'cloudtrail' : 'kubernetes-audit',
  };
}

async function write(dir: string, records: ChangeRecord[]): Promise<void> {
  const ledger = await Ledger.open({ dataDir: dir, now: () => 1_700_000_000_000 });
  for (const change of records) await ledger.apply({ record: change });
  await ledger.close();
}

test('the read view indexes every shard, unions their trees and serves them like one repository', async (t) => {
  const dir = tempDir(t);
  const shards = { 'kubernetes-prod': join(dir, 'prod'), 'aws-111122223333': join(dir, 'aws') };
  await write(shards['kubernetes-prod'], [
    record('p1', PROD, 1000, { kind: 'put', doc: { data: { a: '1' } } }),
    record('p2', PROD_OLD, 2000, { kind: 'put', doc: { data: { b: '1' } } }),
  ]);
  await write(shards['aws-111122223333'], [record('a1', ROLE, 1500, { kind: 'put', doc: { roleName: 'deploy' } })]);
  const view = await ReadView.open({
    dataDir: join(dir, 'view'),
    sourceOf: (shard) =>
      shard === 'aws-111122223333'
        ? { remote: { url: join(shards[shard], 'repo.git'), username: '', token: null } }
        : { local: join(shards[shard as keyof typeof shards], 'repo.git') },
    log: pino({ level: 'silent' }),
    now: Date.now,
  });
  t.after(() => view.close());
  await view.refresh(Object.keys(shards));

  const queries = new IndexQueries(view.index.db);
  assert.deepEqual(queries.counts(), { main: 3 });
  assert.deepEqual(git(view.gitdir, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n').sort(), [
    ROLE,
    PROD,
    PROD_OLD,
  ]);
  assert.equal(git(view.gitdir, 'rev-list', '--count', 'main').trim(), '4', 'the union commit and three shard commits');
  fsckStrict(view.gitdir);

  // A shard moves on (a file deleted, another changed): only its diff is applied to the union.
  await write(shards['kubernetes-prod'], [
    record('p3', PROD_OLD, 3000, { kind: 'delete' }),
    record('p4', PROD, 4000, { kind: 'put', doc: { data: { a: '2' } } }),
  ]);
  await view.refresh(['kubernetes-prod']);
  assert.deepEqual(git(view.gitdir, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n').sort(), [ROLE, PROD]);
  assert.match(git(view.gitdir, 'show', `main:${PROD}`), /a: '2'/);
  assert.deepEqual(queries.counts(), { main: 5 });
  fsckStrict(view.gitdir);

  // The viewer and API over the view: head reads through the union, each commit names its shard.
  const map = new ShardMap([]);
  const app = createViewerRoutes({
    queries,
    reader: new RepositoryReader(view.gitdir),
    config: ViewerConfig.parse({}),
    status: () => [],
    env: { GITRAIL_VIEW_TOKEN: TOKEN },
    links: {
      shard: (commit) =>
        map.shardOfCommit(
          commit.trailers,
          commit.changes.map((change) => change.path),
        ),
    },
  });
  const headers = { Authorization: `Bearer ${TOKEN}` };
  const listed = (await (await app.request('/api/commits?limit=10', { headers })).json()) as {
    commits: Array<{ shard: string; paths: string[] }>;
  };
  assert.deepEqual(
    listed.commits.map((commit) => [commit.shard, commit.paths[0]]),
    [
      ['kubernetes-prod', PROD],
      ['kubernetes-prod', PROD_OLD],
      ['kubernetes-prod', PROD_OLD],
      ['aws-111122223333', ROLE],
      ['kubernetes-prod', PROD],
    ],
  );
  const file = await app.request(`/api/files?path=${ROLE}`, { headers });
  assert.equal(file.status, 200);
  assert.match(await file.text(), /roleName: deploy/);
  const roleSha = queries.listCommits({ path: ROLE }).commits[0]?.sha as string;
  const html = await (await app.request(`/commit/${roleSha}`, { headers })).text();
  assert.match(html, /data-testid="shard">aws-111122223333</);
});
