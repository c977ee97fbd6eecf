// EKS audit polling against a fake CloudWatch Logs endpoint, driven by the real AWS SDK: events
// of both audit streams become commits by the IAM person across pages, a restart resumes from
// the checkpoint, re-reading the overlap records nothing twice while a late event is still
// recorded, poison log events are reported and skipped for good, throttling is survived, and a
// second replica's copies are duplicates the ledger refuses.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  AUTHENTICATOR_STREAM,
  eksPollSource,
  LOG_GROUP,
  putAudit,
  STREAMS,
  startFakeLogs,
} from '../../../test/helpers/eks-fixtures.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { eksEvent } from './__fixtures__/eks-event.ts';
import { advanceCheckpoint, checkpointPath, loadCheckpoint } from './checkpoint.ts';

const MINUTE = 60_000;
const ALICE = 'alice@example.com';

test('events of both audit streams, across pages and an empty page, are committed by the IAM person', async (t) => {
  const fake = await startFakeLogs(t);
  fake.pageSize = 10;
  fake.emptyFirstPages(1);
  const now = Date.now();
  for (let i = 0; i < 25; i += 1) putAudit(fake, `id-${i}`, `cm-${i}`, now - 50 * MINUTE + i * 1000, { stream: i % 2 });
  // The authenticator's log shares the group; it is not audit and is not even read.
  fake.putLogEvent(LOG_GROUP, AUTHENTICATOR_STREAM, now - 40 * MINUTE, 'time="…" level=info msg="access granted"');
  const harness = await openHarness(t);
  const source = eksPollSource(fake);
  assert.equal(source.id, 'eks-audit/prod');
  const stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 25);
  await source.poll();
  await stop();

  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    Array.from({ length: 25 }, (_, i) => `id-${i}`),
    'oldest first, each once',
  );
  assert.ok(harness.commits.every((commit) => commit.authorName === ALICE && commit.trailers['Cluster'] === 'prod'));
  assert.equal(git(harness.gitdir, 'log', '--format=%an', '--author=kubernetes-admin', 'main').trim(), '');
  assert.match(
    git(harness.gitdir, 'show', 'main:kubernetes/prod/namespaces/default/core/configmaps/cm-7.yaml'),
    /cm-7/,
  );
  assert.ok(fake.requests.some((request) => typeof request.body['nextToken'] === 'string'));
  assert.ok(
    fake.requests.every(
      (request) =>
        request.body['logGroupName'] === LOG_GROUP &&
        request.body['logStreamNamePrefix'] === 'kube-apiserver-audit' &&
        request.region === 'eu-west-1',
    ),
  );
  assert.equal(source.status().state, 'stopped');
  fsckStrict(harness.gitdir);
});

test('a restart resumes from the checkpoint (minus the overlap) and records nothing twice', async (t) => {
  const fake = await startFakeLogs(t);
  const now = Date.now();
  putAudit(fake, 'a', 'a', now - 40 * MINUTE);
  putAudit(fake, 'b', 'b', now - 2 * MINUTE, { stream: 1 });
  const harness = await openHarness(t);
  let source = eksPollSource(fake);
  let stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 2);
  await stop();
  const checkpoint = loadCheckpoint(checkpointPath(harness.ctx.stateDir));
  assert.ok(checkpoint && checkpoint.until >= now, 'checkpointed once committed');
  assert.ok(checkpoint.seen['b/ResponseComplete'] !== undefined && checkpoint.seen['a/ResponseComplete'] === undefined);

  putAudit(fake, 'c', 'c', Date.now());
  const before = fake.requests.length;
  source = eksPollSource(fake);
  stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 3);
  await stop();
  assert.equal(fake.requests[before]?.body['startTime'], checkpoint.until - 5 * MINUTE, 'reads only the overlap again');
  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    ['a', 'b', 'c'],
  );
  assert.ok(!harness.outcomes.includes('duplicate'), 'b, in the overlap, was not even submitted again');
});

test('re-polling the overlap records nothing twice; an event ingested late within it is still recorded', async (t) => {
  const fake = await startFakeLogs(t);
  const now = Date.now();
  putAudit(fake, 'early', 'early', now - 3 * MINUTE);
  // Happened a minute ago, but CloudWatch Logs ingests it only after the first poll.
  const late = putAudit(fake, 'late', 'late', now - MINUTE, { stream: 1, ingestionTime: Number.POSITIVE_INFINITY });
  const harness = await openHarness(t);
  const source = eksPollSource(fake);
  const stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.poll();
  await source.poll();
  assert.equal(harness.commits.length, 1);

  fake.ingestNow(late.eventId);
  await source.poll();
  await harness.waitForCommits((commits) => commits.length === 2);
  await source.poll();
  await stop();
  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    ['early', 'late'],
  );
  assert.deepEqual(harness.outcomes, ['committed', 'committed'], 'every re-read of the overlap was skipped');
});

test('poison log events are reported in the source status and skipped for good, not retried', async (t) => {
  const fake = await startFakeLogs(t);
  const now = Date.now();
  const cut = JSON.stringify({ kind: 'Event', auditID: 'big', stage: 'ResponseComplete' }).slice(0, 40);
  fake.putLogEvent(LOG_GROUP, STREAMS[0], now - 4 * MINUTE, `${cut}[Truncated...]`);
  fake.putLogEvent(LOG_GROUP, STREAMS[1], now - 3 * MINUTE, 'not json at all');
  putAudit(fake, 'good', 'good', now - 2 * MINUTE);
  const harness = await openHarness(t);
  const source = eksPollSource(fake);
  const stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.poll();
  const status = source.status();
  assert.equal(status.state, 'up', 'a bad record does not make the source fail');
  assert.equal(status.refusedRecords, 2);
  assert.match(status.lastError ?? '', new RegExp(`refused log event: ${STREAMS[1]}#\\d+: message is not JSON`));
  await source.poll();
  await stop();
  assert.equal(source.status().refusedRecords, 2, 'the overlap re-read did not refuse them again');
  assert.equal(
    harness.batches.reduce((sum, batch) => sum + batch.rejected, 0),
    2,
  );
  assert.equal(harness.commits[0]?.trailers['Event-ID'], 'good');
});

test(
  'ThrottlingException is backed off and retried on the same page; ' + 'the SDK makes one attempt per call',
  async (t) => {
    const fake = await startFakeLogs(t);
    fake.pageSize = 5;
    const now = Date.now();
    for (let i = 0; i < 12; i += 1) putAudit(fake, `t${i}`, `t${i}`, now - 10 * MINUTE + i * 1000);
    const harness = await openHarness(t);
    const source = eksPollSource(fake);
    fake.throttleNext(2);
    const stop = harness.start(source);
    await harness.waitForCommits((commits) => commits.length === 12);
    await stop();
    assert.equal(fake.requests.filter((request) => request.throttled).length, 2);
    assert.ok(fake.requests.every((request) => request.attempt === 'attempt=1; max=1'));
  },
);

test('a page that stays throttled past every retry is not checkpointed; the next poll reads it', async (t) => {
  const fake = await startFakeLogs(t);
  const now = Date.now();
  putAudit(fake, 'x', 'x', now - 5 * MINUTE);
  fake.throttleNext(3);
  const harness = await openHarness(t);
  const source = eksPollSource(fake);
  const stop = harness.start(source);
  await source.poll();
  assert.equal(source.status().state, 'failing');
  assert.match(
    source.status().lastError ?? '',
    /poll: EKS_AUDIT_POLL: FilterLogEvents .*ThrottlingException.*gave up after 3 attempts/,
  );
  assert.equal(loadCheckpoint(checkpointPath(harness.ctx.stateDir)), null);
  await source.poll();
  await harness.waitForCommits((commits) => commits.length === 1);
  await stop();
  const [failed, again] = [fake.requests[0], fake.requests[3]].map((request) => request?.body['startTime'] as number);
  assert.ok(Math.abs((again as number) - (failed as number)) < 5000, 'the next poll starts where the failed one did');
});

test('a missing log group fails the source with an error naming it', async (t) => {
  const fake = await startFakeLogs(t);
  const harness = await openHarness(t);
  const source = eksPollSource(fake, { cluster: undefined, logGroupName: '/aws/eks/other/cluster' });
  assert.equal(source.id, 'eks-audit/other');
  const stop = harness.start(source);
  await source.poll();
  await stop();
  assert.match(
    source.status().lastError ?? '',
    /FilterLogEvents \/aws\/eks\/other\/cluster .*ResourceNotFoundException: The specified log group does not exist/,
  );
  assert.ok(fake.requests.length <= 2, 'one request per poll: not retried, it cannot succeed');
});

test('two replicas polling the same cluster commit each change once: the second copy is a duplicate', async (t) => {
  const fake = await startFakeLogs(t);
  const now = Date.now();
  for (let i = 0; i < 5; i += 1) putAudit(fake, `r${i}`, `r${i}`, now - 5 * MINUTE + i * 1000);
  const harness = await openHarness(t);
  const first = eksPollSource(fake);
  const stopFirst = harness.start(first);
  await harness.waitForCommits((commits) => commits.length === 5);
  await stopFirst();
  // The other replica: its own state folder and checkpoint, the same shard writer.
  const stateDir = join(harness.dataDir, 'sources', 'replica-2');
  mkdirSync(stateDir, { recursive: true });
  const second = eksPollSource(fake);
  const stop = new AbortController();
  const running = second.run({ ...harness.ctx, stateDir, signal: stop.signal });
  await second.poll();
  stop.abort();
  await running;
  assert.equal(harness.commits.length, 5);
  assert.deepEqual(harness.outcomes, [...Array(5).fill('committed'), ...Array(5).fill('duplicate')]);
  assert.ok(loadCheckpoint(checkpointPath(stateDir)), 'the second replica checkpointed too');
});

test('a corrupt checkpoint fails the source with an error naming the file; nothing is polled', async (t) => {
  const fake = await startFakeLogs(t);
  const harness = await openHarness(t);
  const path = checkpointPath(harness.ctx.stateDir);
  writeFileSync(path, '{"version":1,');
  const source = eksPollSource(fake);
  const stop = harness.start(source);
  await source.poll();
  await stop();
  assert.ok((source.status().lastError ?? '').includes(`${path}: the EKS audit checkpoint is not JSON`));
  assert.equal(fake.requests.length, 0);
});

test('the request rate is kept: at requestsPerSecond 1.5, a fake allowing 2 per second never throttles', async (t) => {
  const fake = await startFakeLogs(t);
  fake.rateLimit = 2;
  fake.pageSize = 2;
  const now = Date.now();
  for (let i = 0; i < 6; i += 1) putAudit(fake, `q${i}`, `q${i}`, now - MINUTE + i * 1000);
  const harness = await openHarness(t);
  const stop = harness.start(eksPollSource(fake, { requestsPerSecond: 1.5, maxAge: '2m' }, { sliceMs: 10 * MINUTE }));
  await harness.waitForCommits((commits) => commits.length === 6);
  await stop();
  assert.ok(fake.requests.length >= 3, 'three pages');
  assert.equal(fake.requests.filter((request) => request.throttled).length, 0);
});

test('the checkpoint keeps only ids within the overlap, and at most the newest MAX_SEEN', () => {
  const seen = new Map(Array.from({ length: 10 }, (_, i) => [`id-${i}/ResponseComplete`, 1000 + i] as const));
  const kept = advanceCheckpoint(null, 1009, 5, seen, 3);
  assert.deepEqual(kept, {
    version: 1,
    until: 1009,
    seen: { 'id-9/ResponseComplete': 1009, 'id-8/ResponseComplete': 1008, 'id-7/ResponseComplete': 1007 },
  });
  assert.deepEqual(Object.keys(advanceCheckpoint(kept, 2000, 5, new Map()).seen), []);
});

test('filterPattern is applied by CloudWatch Logs: the reads a busy cluster logs are not even paged', async (t) => {
  const fake = await startFakeLogs(t);
  fake.pageSize = 2;
  const now = Date.now();
  for (let i = 0; i < 6; i += 1) {
    const at = new Date(now - MINUTE + i * 1000).toISOString();
    const read = { ...eksEvent(`get-${i}`, `w${i}`, at, at), verb: 'get' };
    fake.putLogEvent(LOG_GROUP, STREAMS[0], now - MINUTE + i * 1000, JSON.stringify(read));
    putAudit(fake, `w${i}`, `w${i}`, now - MINUTE + i * 1000 + 1);
  }
  const filterPattern = '{ $.verb != "get" && $.verb != "list" && $.verb != "watch" }';
  const harness = await openHarness(t);
  const stop = harness.start(eksPollSource(fake, { filterPattern, maxAge: '2m' }, { sliceMs: 10 * MINUTE }));
  await harness.waitForCommits((commits) => commits.length === 6);
  await stop();
  assert.ok(fake.requests.every((request) => request.body['filterPattern'] === filterPattern));
  assert.equal(fake.requests.length, 3, 'six writes in pages of two; the reads stayed at AWS');
});
