// The read view covers every line of a shard (issue 11 retention in cluster mode): a retention
// rule's line and the archived periods are fetched, indexed as the shard's own index holds them
// and served with the shard's name; a period retention removes leaves the view too.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { removePeriods } from '../checkpoint/remove-periods.ts';
import { ViewerConfig } from '../config/viewer.ts';
import { dataFolder } from '../domain/data-folder.ts';
import type { ChangeRecord } from '../domain/change.ts';
import { IndexDb } from '../index/index-db.ts';
import { IndexQueries } from '../index/queries.ts';
import { Ledger } from '../ledger/ledger.ts';
import { RepositoryReader } from '../ledger/reader.ts';
import { createViewerRoutes } from '../server/routes/viewer.ts';
import { ReadView, type ShardSource } from './read-view.ts';
import { ShardMap } from './shard-map.ts';

const SHARD = 'kubernetes-prod';
const PROD = 'kubernetes/prod/namespaces/shop/core/configmaps/app.yaml';
const AUDIT = (n: number) => `activity/audit/kubernetes/prod/${n}.yaml`;
const EVENT = (n: number) => `activity/events/kubernetes/prod/${n}.yaml`;
const DAY1 = Date.UTC(2026, 11, 1, 10);
const DAY2 = Date.UTC(2026, 11, 2, 10);
const TOKEN = 'view-token-0123456789abcdef';

function record(eventId: string, path: string, time: number): ChangeRecord {
  return {
    eventId,
    branch: path.startsWith('activity/') ? 'activity' : 'main',
    path,
    update: { kind: 'put', doc: { id: eventId } },
    author: { name: 'alice@example.com', email: 'alice@example.com' },
    time,
    subject: `update ${path}`,
    trailers: [
      ['Source', 'kubernetes-audit'],
      ['Cluster', 'prod'],
      ['Event-ID', eventId],
    ],
    source: 'kubernetes-audit',
  };
}

async function write(dir: string, records: ChangeRecord[], now: number): Promise<void> {
  const ledger = await Ledger.open({
    dataDir: dir,
    now: () => now,
    activityPeriod: 'day',
    activityLines: [{ rule: 'events', period: 'day', matches: (change) => change.path.startsWith('activity/events/') }],
  });
  for (const change of records) await ledger.apply({ record: change });
  await ledger.close();
}

/** The commits (sha, path) the queries list (equal times: in any order). */
function listed(queries: IndexQueries, path?: string): string[] {
  return queries
    .listCommits({ limit: 100, ...(path ? { path } : {}) })
    .commits.map((commit) => `${commit.sha} ${commit.changes.map((change) => change.path).join(',')}`)
    .sort();
}

for (const kind of ['remote', 'local'] as const) {
  test(`the read view (${kind} shard) holds rule lines and archived periods as the shard does`, async (t) => {
    const dir = tempDir(t);
    const shardDir = join(dir, 'shard');
    const shardGit = dataFolder(shardDir).repo;
    const source: ShardSource =
      kind === 'remote' ? { remote: { url: shardGit, username: '', token: null } } : { local: shardGit };
    const errors: string[] = [];
    const open = async (name: string) => {
      const view = await ReadView.open({
        dataDir: join(dir, name),
        sourceOf: () => source,
        log: pino({ level: 'error' }, { write: (line: string) => errors.push(line) }),
        now: Date.now,
      });
      t.after(() => view.close());
      return view;
    };
    await write(shardDir, [record('m1', PROD, DAY1), record('a1', AUDIT(1), DAY1), record('e1', EVENT(1), DAY1)], DAY1);
    const view = await open('view');
    await view.refresh([SHARD]);
    assert.equal(view.status()[0]?.heads['activity-events'], git(shardGit, 'rev-parse', 'activity-events').trim());
    assert.deepEqual(git(view.gitdir, 'ls-tree', '-r', '--name-only', 'activity-events').trim(), EVENT(1));

    // The next day closes both lines' periods: the archives come over, the lines start again.
    await write(shardDir, [record('a2', AUDIT(2), DAY2), record('e2', EVENT(2), DAY2)], DAY2);
    await view.refresh([SHARD]);
    assert.deepEqual(
      git(view.gitdir, 'for-each-ref', '--format=%(refname)', `refs/shards/${SHARD}/archive/`).trim(),
      [
        `refs/shards/${SHARD}/archive/activity-events/2026-12-01`,
        `refs/shards/${SHARD}/archive/activity/2026-12-01`,
      ].join('\n'),
    );
    assert.equal(git(view.gitdir, 'ls-tree', '-r', '--name-only', 'activity-events').trim(), EVENT(2));
    // Nothing new on the shard: a refresh brings no objects (no pack) and indexes nothing.
    const packs = () => readdirSync(join(view.gitdir, 'objects', 'pack')).filter((name) => name.endsWith('.pack'));
    const before = packs();
    const commits = new IndexQueries(view.index.db).listCommits({ limit: 100 }).commits.length;
    await view.refresh([SHARD]);
    assert.deepEqual(packs(), before);
    assert.equal(new IndexQueries(view.index.db).listCommits({ limit: 100 }).commits.length, commits);
    // A reader started afresh, after the periods closed, finds them through the archives.
    const late = await open('late');
    await late.refresh([SHARD]);

    const single = new IndexDb(dataFolder(shardDir).index);
    t.after(() => single.close());
    const shardQueries = new IndexQueries(single.db);
    const viewQueries = new IndexQueries(view.index.db);
    const lateQueries = new IndexQueries(late.index.db);
    assert.equal(listed(shardQueries).length, 5);
    for (const path of [undefined, EVENT(1), AUDIT(1), EVENT(2)]) {
      assert.deepEqual(listed(viewQueries, path), listed(shardQueries, path), `view, ${path ?? 'all'}`);
      assert.deepEqual(listed(lateQueries, path), listed(shardQueries, path), `late view, ${path ?? 'all'}`);
    }
    assert.deepEqual(viewQueries.counts(), shardQueries.counts());

    // The API names the shard of a commit on a rule line and of one in an archived period.
    const map = new ShardMap([]);
    const app = createViewerRoutes({
      queries: viewQueries,
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
    for (const path of [EVENT(1), EVENT(2)]) {
      const answer = (await (await app.request(`/api/commits?branch=activity&path=${path}`, { headers })).json()) as {
        commits: Array<{ shard: string; paths: string[] }>;
      };
      assert.deepEqual(
        answer.commits.map((commit) => [commit.shard, commit.paths[0]]),
        [[SHARD, path]],
      );
    }

    // Retention removes the rule's closed period on the shard: it leaves both indexes alike.
    const head = git(shardGit, 'rev-parse', 'refs/archive/activity-events/2026-12-01').trim();
    // The remote shard's checkpoint records the removal; the local one's does not, and the view says so.
    if (kind === 'remote')
      git(
        shardGit,
        '-c',
        'user.name=gitrail',
        '-c',
        'user.email=gitrail@localhost',
        'tag',
        '-a',
        'checkpoints/1',
        '-m',
        `checkpoint #1\n\nRemoved: events/2026-12-01 ${head} retention 1d\n`,
      );
    await removePeriods(shardGit, single, [{ period: 'events/2026-12-01', head, retention: '1d' }]);
    await view.refresh([SHARD]);
    await late.refresh([SHARD]);
    assert.equal(
      git(view.gitdir, 'for-each-ref', '--format=%(refname)', `refs/shards/${SHARD}/archive/`).trim(),
      `refs/shards/${SHARD}/archive/activity/2026-12-01`,
    );
    assert.deepEqual(listed(viewQueries, EVENT(1)), []);
    assert.deepEqual(
      errors.map((line) => (JSON.parse(line) as { msg: string }).msg),
      kind === 'remote'
        ? []
        : Array(2).fill('an archived period left the shard without a checkpoint recording its removal'),
    );
    for (const path of [undefined, EVENT(2), AUDIT(1)]) {
      assert.deepEqual(listed(viewQueries, path), listed(shardQueries, path), `view, ${path ?? 'all'}`);
      assert.deepEqual(listed(lateQueries, path), listed(shardQueries, path), `late view, ${path ?? 'all'}`);
    }
    const gone = (await (await app.request(`/api/commits?branch=activity&path=${EVENT(1)}`, { headers })).json()) as {
      commits: unknown[];
    };
    assert.equal(gone.commits.length, 0);
  });
}
