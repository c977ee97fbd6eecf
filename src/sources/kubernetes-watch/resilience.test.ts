// Watches fail in every way an API server can make them fail; the source heals by itself,
// re-lists after 410, finds deletions on a resync or restart, and never commits twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  configMap,
  deployment,
  startFake,
  trailer,
  waitForStatus,
  watchSource,
} from '../../../test/helpers/kube-fixtures.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';

test('closed watch streams and injected 500s heal by themselves, and the state says what happened', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('app', { mode: 'blue' }));
  const harness = await openHarness(t);
  const source = watchSource(fake);
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();

  const opened = fake.watchesStarted;
  const closed = fake.closeWatches();
  await fake.waitForWatchesStarted(opened + closed);
  fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } });
  await harness.waitForCommits((commits) => commits.length === 2);

  fake.failRequests(3, (request) => request.watch);
  fake.closeWatches();
  const failing = await waitForStatus(source, (status) => status.state === 'failing');
  assert.match(failing.lastError ?? '', /HTTP 500/);
  await waitForStatus(source, (status) => status.state === 'up');
  fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'red' } });
  await harness.waitForCommits((commits) => commits.length === 3);
  assert.match(
    git(harness.gitdir, 'show', 'main:kubernetes/test/namespaces/default/core/configmaps/app.yaml'),
    /mode: red/,
  );
  assert.match(source.status().lastError ?? '', /HTTP 500/, 'the last error stays visible after recovery');
});

for (const mode of ['event', 'http'] as const) {
  test(
    `after compaction a watch gets 410 (${mode === 'event' ? 'ERROR event' : 'HTTP status'}); the source ` +
      `lists again and records what it missed`,
    async (t) => {
      const fake = await startFake(t);
      fake.expiredMode = mode;
      fake.create(configMap('app', { mode: 'blue' }));
      fake.create(configMap('old', { keep: 'no' }));
      const harness = await openHarness(t);
      const source = watchSource(fake);
      harness.start(source);
      await harness.waitForCommits((commits) => commits.length === 2);
      await source.settled();

      // Keep watches down while things change, then compact the history they would replay.
      fake.failRequests(1_000, (request) => request.watch);
      fake.closeWatches();
      await waitForStatus(source, (status) => status.state === 'failing');
      fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } });
      fake.remove('v1', 'ConfigMap', 'default', 'old');
      fake.store.compact();
      const listsBefore = fake.requests.filter(
        (request) => request.query['watch'] === undefined && request.path.endsWith('/configmaps'),
      ).length;
      fake.clearFailures();

      await harness.waitForCommits((commits) => commits.length === 4);
      const [deletion, update] = [...harness.commits.slice(2)].sort((a, b) => a.subject.localeCompare(b.subject));
      assert.equal(update?.subject, 'observe configmaps default/app');
      assert.equal(deletion?.subject, 'delete configmaps default/old');
      assert.equal(trailer(deletion ?? { trailers: {} }, 'Found-By'), 'resync');
      const listsAfter = fake.requests.filter(
        (request) => request.query['watch'] === undefined && request.path.endsWith('/configmaps'),
      ).length;
      assert.ok(listsAfter > listsBefore, 'the configmaps were listed again');
      await waitForStatus(source, (status) => status.state === 'up');
    },
  );
}

test('a list that fails at start is retried; lists are paginated, also when a continue token expires', async (t) => {
  const fake = await startFake(t);
  for (let i = 0; i < 7; i += 1) fake.create(configMap(`cm-${i}`, { i: String(i) }));
  fake.failRequests(2, (request) => request.path === '/api/v1/configmaps' && request.query['watch'] === undefined);
  let expired = false;
  fake.beforeRequest = (request) => {
    if (request.query['continue'] && !expired) {
      expired = true;
      fake.store.compact();
    }
  };
  const harness = await openHarness(t);
  const source = watchSource(fake, { listPageSize: 3 });
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 7);
  await source.settled();
  assert.ok(expired);
  const pages = fake.requests.filter(
    (request) => request.path === '/api/v1/configmaps' && request.query['watch'] === undefined,
  );
  assert.ok(pages.every((request) => request.query['limit'] === '3'));
  assert.ok(
    pages.some((request) => request.query['continue']),
    'later pages carry the continue token',
  );
});

test('a restart finds what changed while gitrail was down; resyncs and restarts commit nothing twice', async (t) => {
  // The first writes happened a minute ago: managedFields then tell who wrote last.
  let offset = -60_000;
  const fake = await startFake(t, { now: () => Date.now() + offset });
  fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
  fake.create(configMap('gone', { soon: 'yes' }), 'kubectl-client-side-apply');
  fake.create(deployment('web', 2), 'helm');
  const harness = await openHarness(t);
  let source = watchSource(fake);
  let stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 3);
  await source.settled();
  await source.resync();
  await source.settled();
  assert.equal(harness.commits.length, 3, 'a resync of unchanged objects commits nothing');
  await stop();

  offset = 0;
  fake.remove('v1', 'ConfigMap', 'default', 'gone');
  fake.patch('apps/v1', 'Deployment', 'default', 'web', { spec: { replicas: 5 } }, 'kubectl-scale');
  fake.create(configMap('new', { fresh: 'yes' }), 'kubectl-create');
  source = watchSource(fake);
  stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 6);
  await source.settled();
  const later = harness.commits
    .slice(3)
    .map((commit) => `${commit.subject} by ${commit.authorName}`)
    .sort();
  assert.deepEqual(later, [
    'delete configmaps default/gone by unknown (attribution unresolved)',
    'observe apps/deployments default/web by kubectl-scale',
    'observe configmaps default/new by kubectl-create',
  ]);
  await stop();

  source = watchSource(fake);
  stop = harness.start(source);
  await source.settled();
  await source.resync();
  await source.settled();
  await stop();
  assert.equal(harness.commits.length, 6, 'a restart and a resync without changes commit nothing');
  assert.equal(
    new Set(harness.commits.map((commit) => `${trailer(commit, 'Event-ID')} ${commit.changes[0]?.path}`)).size,
    6,
  );
  fsckStrict(harness.gitdir);
});

test('a watch resumes from the last bookmark, so a compaction of older history costs no re-list', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('app', { mode: 'blue' }));
  const harness = await openHarness(t);
  const source = watchSource(fake, { resources: { include: ['core/configmaps'] }, events: { enabled: false } });
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();
  const watch = fake.requests.findLast(
    (request) => request.path === '/api/v1/configmaps' && request.query['watch'] === 'true',
  );
  assert.equal(watch?.query['allowWatchBookmarks'], 'true');

  // Other resources move the resourceVersion on; the bookmark tells the configmaps watch.
  fake.create(deployment('web', 1));
  fake.sendBookmarks();
  const bookmarked = String(fake.store.resourceVersion);
  const lists = () =>
    fake.requests.filter((request) => request.path === '/api/v1/configmaps' && request.query['watch'] === undefined)
      .length;
  const listsBefore = lists();
  const started = fake.watchesStarted;
  fake.store.compact();
  fake.closeWatches();
  await fake.waitForWatchesStarted(started + 1);
  const resumed = fake.requests.findLast(
    (request) => request.path === '/api/v1/configmaps' && request.query['watch'] === 'true',
  );
  assert.equal(resumed?.query['resourceVersion'], bookmarked);
  assert.equal(lists(), listsBefore, 'no re-list was needed');
});
