// CloudTrail polling against the fake endpoint, driven by the real AWS SDK: events become
// commits, pages are followed, 2 requests per second are never exceeded (as the fake counts
// them, retries included), throttling is survived, a window that cannot be read is never
// checkpointed, the checkpoint makes restarts lose and repeat nothing, and the filters apply.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ACCOUNT, pollSource, record, startFakeCloudTrail } from '../../../test/helpers/cloudtrail-fixtures.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { checkpointPath, loadCheckpoint } from './checkpoint.ts';

const MINUTE = 60_000;
const IAM = 'iam.amazonaws.com';
/** Three attempts per page with short waits: a test outlasts the retries in milliseconds. */
const FAST_RETRY = { attempts: 3, initialMs: 10, maxMs: 50 };

test('polled events become commits authored by the person behind the role; reads are not even requested', async (t) => {
  const fake = await startFakeCloudTrail(t);
  const now = Date.now();
  fake.addRecord(
    'us-east-1',
    record('e1', 'CreateRole', IAM, now - 30 * MINUTE, {
      roleName: 'app',
      assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    }),
  );
  fake.addRecord(
    'us-east-1',
    record(
      'e2',
      'AttachRolePolicy',
      IAM,
      now - 20 * MINUTE,
      { roleName: 'app', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      { user: 'bob' },
    ),
  );
  fake.addRecord('us-east-1', record('e3', 'ListRoles', IAM, now - 10 * MINUTE, {}, { readOnly: true }));
  const harness = await openHarness(t);
  const source = pollSource(fake);
  const stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 2);
  await source.poll();
  await stop();

  assert.deepEqual(
    harness.commits.map((commit) => [
      commit.subject,
      commit.authorName,
      commit.trailers['Role'],
      commit.trailers['Event-ID'],
    ]),
    [
      ['iam:CreateRole Role app', 'alice', 'Admin', 'e1'],
      ['iam:AttachRolePolicy Role app', 'bob', 'Admin', 'e2'],
    ],
  );
  assert.match(git(harness.gitdir, 'show', `main:aws/${ACCOUNT}/global/iam/Role/app.yaml`), /ReadOnlyAccess/);
  assert.ok(
    fake.requests.every(
      (request) =>
        JSON.stringify(request.body['LookupAttributes']) === '[{"AttributeKey":"ReadOnly","AttributeValue":"false"}]',
    ),
  );
  assert.ok(fake.requests.every((request) => request.region === 'us-east-1'));
  assert.equal(source.status().state, 'stopped');
  fsckStrict(harness.gitdir);
});

test('every page is followed, and the default rate never reaches the 2 requests per second AWS allows', async (t) => {
  const fake = await startFakeCloudTrail(t);
  const now = Date.now();
  for (let i = 0; i < 130; i += 1)
    fake.addRecord(
      'us-east-1',
      record(`p${i}`, 'TagRole', IAM, now - 50 * MINUTE + i * 10_000, {
        roleName: `role-${i % 40}`,
        tags: [{ key: 'n', value: String(i) }],
      }),
    );
  const harness = await openHarness(t);
  // The default, 1 per second, leaves half of the account's budget to the console and other tools.
  const source = pollSource(fake, { requestsPerSecond: undefined });
  const stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 130);
  await stop();
  assert.ok(fake.requests.length >= 3, 'three pages of 50');
  assert.ok(fake.requests.some((request) => typeof request.body['NextToken'] === 'string'));
  assert.equal(fake.requests.filter((request) => request.throttled).length, 0);
  assert.ok(fake.maxRequestsInAnySecond() <= 2);
  const times = harness.commits.map((commit) => commit.time);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'committed oldest first',
  );
});

test('a window with more events than a slice may hold is read in shorter slices, oldest first', async (t) => {
  const fake = await startFakeCloudTrail(t);
  const now = Date.now();
  for (let i = 0; i < 100; i += 1)
    fake.addRecord(
      'us-east-1',
      record(`s${i}`, 'TagRole', IAM, now - 100 * MINUTE + i * 45_000, { roleName: `r${i}`, tags: [] }),
    );
  const harness = await openHarness(t);
  const stop = harness.start(pollSource(fake, {}, undefined, 40));
  await harness.waitForCommits((commits) => commits.length === 100);
  await stop();
  const starts = fake.requests
    .filter((request) => request.body['NextToken'] === undefined)
    .map((request) => request.body['StartTime'] as number);
  assert.ok(starts.length > 2, 'the window was split');
  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    Array.from({ length: 100 }, (_, i) => `s${i}`),
  );
});

test(
  "ThrottlingException from a shared budget is survived by the source's own retries, each through the " + 'rate limit',
  async (t) => {
    const fake = await startFakeCloudTrail(t);
    fake.rateLimit = 1; // someone else (the console) uses half of the account's budget
    const now = Date.now();
    for (let i = 0; i < 60; i += 1)
      fake.addRecord(
        'us-east-1',
        record(`t${i}`, 'TagRole', IAM, now - 50 * MINUTE + i * 10_000, {
          roleName: 'app',
          tags: [{ key: 'n', value: String(i) }],
        }),
      );
    const harness = await openHarness(t);
    const source = pollSource(fake, {}, undefined, undefined, { retry: FAST_RETRY });
    const stop = harness.start(source);
    await harness.waitForCommits((commits) => commits.length === 60);
    await stop();
    assert.ok(
      fake.requests.some((request) => request.throttled),
      'the fake throttled',
    );
    assert.ok(
      fake.requests.every((request) => request.attempt === 'attempt=1; max=1'),
      'the SDK made one attempt per call; the source retried',
    );
    assert.ok(fake.maxRequestsInAnySecond() <= 2, `${fake.maxRequestsInAnySecond()} requests arrived within 1 s`);
  },
);

test(
  'SDK retries never bypass the rate limit: failed attempts and their retries make at most 2 requests in any ' +
    'second',
  async (t) => {
    const fake = await startFakeCloudTrail(t);
    const now = Date.now();
    for (let i = 0; i < 120; i += 1)
      fake.addRecord(
        'us-east-1',
        record(`f${i}`, 'TagRole', IAM, now - 50 * MINUTE + i * 10_000, { roleName: `r${i % 30}`, tags: [] }),
      );
    const harness = await openHarness(t);
    const source = pollSource(fake, { requestsPerSecond: 2 }, undefined, undefined, { retry: FAST_RETRY });
    // Two failures in a row (HTTP 500) on the first page: the SDK would retry them at once.
    fake.failRequests(2);
    const stop = harness.start(source);
    await source.poll();
    assert.ok(fake.maxRequestsInAnySecond() <= 2, `${fake.maxRequestsInAnySecond()} requests arrived within 1 s`);
    assert.ok(fake.requests.length >= 5, 'three pages and two retries');
    await harness.waitForCommits((commits) => commits.length === 120);
    await stop();
  },
);

test(
  'a window whose first page stays throttled past every retry is not checkpointed; the next poll ' + 'reads it',
  async (t) => {
    const fake = await startFakeCloudTrail(t);
    const now = Date.now();
    // The case: a CreateUser 1,400 s old, in the first poll's window of a day.
    fake.addRecord('us-east-1', record('u1', 'CreateUser', IAM, now - 1_400_000, { userName: 'mallory' }));
    fake.throttleFirstPages(Number.POSITIVE_INFINITY);
    const harness = await openHarness(t);
    const source = pollSource(fake, { maxAge: '1d' }, undefined, undefined, { retry: FAST_RETRY });
    const stop = harness.start(source);
    await source.poll();
    const path = checkpointPath(harness.ctx.stateDir, 'us-east-1');
    assert.equal(loadCheckpoint(path), null, 'no checkpoint past a window that was not read');
    assert.equal(source.status().state, 'failing');
    assert.match(source.status().lastError ?? '', /ThrottlingException.*gave up after 3 attempts/);
    assert.equal(fake.requests.length, FAST_RETRY.attempts);
    assert.equal(harness.commits.length, 0);

    fake.stopThrottling();
    const before = fake.requests.length;
    await source.poll();
    await harness.waitForCommits((commits) => commits.length === 1);
    await stop();
    const restart = (fake.requests[before]?.body['StartTime'] as number) * 1000;
    assert.ok(Math.abs(restart - (now - 86_400_000)) < 60_000, 'the next poll starts where the failed one did');
    assert.equal(harness.commits[0]?.trailers['Event-ID'], 'u1');
    assert.ok((loadCheckpoint(path)?.until ?? 0) >= now);
  },
);

test('a restart neither loses nor repeats events, including ones CloudTrail delivered late', async (t) => {
  const fake = await startFakeCloudTrail(t);
  const now = Date.now();
  fake.addRecord('us-east-1', record('a', 'CreateRole', IAM, now - 40 * MINUTE, { roleName: 'a' }));
  fake.addRecord('us-east-1', record('b', 'CreateRole', IAM, now - 5 * MINUTE, { roleName: 'b' }));
  // Happened 2 minutes ago, but CloudTrail only shows it once the first poll is over.
  fake.addRecord('us-east-1', record('late', 'CreateRole', IAM, now - 2 * MINUTE, { roleName: 'late' }), {
    visibleAt: Number.POSITIVE_INFINITY,
  });
  const harness = await openHarness(t);
  let source = pollSource(fake);
  let stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 2);
  await stop();
  const checkpoint = loadCheckpoint(checkpointPath(harness.ctx.stateDir, 'us-east-1'));
  assert.ok(checkpoint && checkpoint.until >= now && checkpoint.seen['b'] !== undefined);

  fake.addRecord('us-east-1', record('c', 'CreateRole', IAM, Date.now(), { roleName: 'c' }));
  fake.reveal('late');
  const firstWindowRequests = fake.requests.length;
  source = pollSource(fake);
  stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 4);
  await source.poll();
  await stop();
  const restartStart = (fake.requests[firstWindowRequests]?.body['StartTime'] as number) * 1000;
  assert.ok(Math.abs(restartStart - (checkpoint.until - 15 * MINUTE)) < 1000, 'the restart re-reads only the overlap');
  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    ['a', 'b', 'late', 'c'],
  );
  assert.ok(!harness.outcomes.includes('duplicate'), 'events of the overlap were not even submitted again');
});

test('maxAge bounds the first poll, and is cut to the 90 days LookupEvents keeps', async (t) => {
  const fake = await startFakeCloudTrail(t);
  const now = Date.now();
  fake.addRecord('us-east-1', record('old', 'CreateRole', IAM, now - 3 * 3_600_000, { roleName: 'old' }));
  fake.addRecord('us-east-1', record('new', 'CreateRole', IAM, now - 30 * MINUTE, { roleName: 'new' }));
  const harness = await openHarness(t);
  const stop = harness.start(pollSource(fake, { maxAge: '1h' }));
  await harness.waitForCommits((commits) => commits.length === 1);
  await stop();
  assert.equal(harness.commits[0]?.trailers['Event-ID'], 'new');

  const long = await openHarness(t);
  const stopLong = long.start(pollSource(fake, { maxAge: '400d' }));
  await long.waitForCommits((commits) => commits.length === 2);
  await stopLong();
  const first =
    fake.requests.at(-1) === undefined
      ? 0
      : Math.min(...fake.requests.slice(-10).map((request) => request.body['StartTime'] as number));
  assert.ok(first * 1000 >= now - 90 * 86_400_000, 'never asks for more than 90 days');
  assert.ok(!fake.requests.some((request) => request.throttled));
});

test('include (resource types) and exclude (event names); the global reader keeps only global services', async (t) => {
  const fake = await startFakeCloudTrail(t);
  const now = Date.now();
  fake.addRecord('us-east-1', record('r1', 'CreateRole', IAM, now - 30 * MINUTE, { roleName: 'app' }), {
    resources: [{ ResourceType: 'AWS::IAM::Role', ResourceName: 'app' }],
  });
  fake.addRecord('us-east-1', record('r2', 'TagRole', IAM, now - 29 * MINUTE, { roleName: 'app', tags: [] }), {
    resources: [{ ResourceType: 'AWS::IAM::Role', ResourceName: 'app' }],
  });
  fake.addRecord(
    'us-east-1',
    record('s1', 'AuthorizeSecurityGroupIngress', 'ec2.amazonaws.com', now - 28 * MINUTE, { groupId: 'sg-1' }),
    { resources: [{ ResourceType: 'AWS::EC2::SecurityGroup', ResourceName: 'sg-1' }] },
  );
  const harness = await openHarness(t);
  const stop = harness.start(pollSource(fake, { include: ['AWS::IAM::*'], exclude: ['Tag*'] }));
  await harness.waitForCommits((commits) => commits.length === 1);
  await stop();
  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    ['r1'],
  );

  const global = await openHarness(t);
  const globalSource = pollSource(fake, { regions: ['eu-west-1'] }, { region: 'us-east-1', globalOnly: true });
  assert.equal(globalSource.id, `cloudtrail/${ACCOUNT}/us-east-1/global`);
  const stopGlobal = global.start(globalSource);
  await global.waitForCommits((commits) => commits.length === 2);
  await globalSource.poll();
  await stopGlobal();
  assert.deepEqual(
    global.commits.map((commit) => commit.trailers['Event-ID']),
    ['r1', 'r2'],
  );
});

test('a corrupt checkpoint fails the source with an error naming the file; nothing is polled', async (t) => {
  const fake = await startFakeCloudTrail(t);
  const harness = await openHarness(t);
  const path = checkpointPath(harness.ctx.stateDir, 'us-east-1');
  writeFileSync(path, '{"version":1,');
  const source = pollSource(fake);
  const stop = harness.start(source);
  await source.poll();
  const status = source.status();
  assert.equal(status.state, 'failing');
  assert.match(
    status.lastError ?? '',
    new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the CloudTrail checkpoint is not JSON`),
  );
  assert.equal(fake.requests.length, 0);
  await stop();
  assert.ok(existsSync(join(harness.ctx.stateDir, 'us-east-1.json')), 'the file is left for the operator');
});
