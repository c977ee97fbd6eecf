// CloudTrail log files in S3 (AWSLogs layout) against a fake S3 driven by the real
// @aws-sdk/client-s3: files become commits oldest first, pages are followed, restarts lose
// and repeat nothing (also for a file that shows up late within the overlap).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedactor } from '../../normalise/redact.ts';
import { ACCOUNT, record } from '../../../test/helpers/cloudtrail-fixtures.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { FakeS3 } from '../../../test/fakes/s3.ts';
import { CloudTrailS3Config, type CloudTrailS3ConfigInput } from './config.ts';
import { deliveryTime, regionFolder, startAfterFor } from './layout.ts';
import { CloudTrailS3Source } from './s3-source.ts';

const MINUTE = 60_000;
const IAM = 'iam.amazonaws.com';
const BUCKET = 'org-trail-logs';

function s3Source(
  fake: FakeS3,
  config: Partial<CloudTrailS3ConfigInput> = {},
  region = 'us-east-1',
): CloudTrailS3Source {
  const parsed = CloudTrailS3Config.parse({
    bucket: BUCKET,
    prefix: 'trail',
    accounts: [ACCOUNT],
    regions: [region],
    maxAge: '2h',
    ...config,
  });
  return new CloudTrailS3Source(
    parsed,
    { account: ACCOUNT, region },
    {
      redact: createRedactor(Buffer.alloc(32, 4)),
      clientConfig: { endpoint: fake.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-secret' } },
    },
  );
}

async function startS3(t: import('node:test').TestContext): Promise<FakeS3> {
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  const fake = await FakeS3.start();
  t.after(() => fake.close());
  return fake;
}

test('the AWSLogs layout: folders, the day to start after, delivery times from file names', () => {
  const trail = { prefix: 'trail', organizationId: 'o-abcdef1234', account: ACCOUNT, region: 'eu-west-1' };
  assert.equal(regionFolder(trail), `trail/AWSLogs/o-abcdef1234/${ACCOUNT}/CloudTrail/eu-west-1/`);
  assert.equal(
    regionFolder({ prefix: '', account: ACCOUNT, region: 'eu-west-1' }),
    `AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/`,
  );
  assert.equal(
    startAfterFor(trail, Date.UTC(2026, 10, 24, 13, 5)),
    `trail/AWSLogs/o-abcdef1234/${ACCOUNT}/CloudTrail/eu-west-1/2026/11/24/`,
  );
  assert.equal(
    deliveryTime(`x/2026/11/24/${ACCOUNT}_CloudTrail_eu-west-1_20261124T1305Z_ABCDEF0123456789.json.gz`),
    Date.UTC(2026, 10, 24, 13, 5),
  );
  assert.equal(
    deliveryTime(
      `x/CloudTrail-Digest/eu-west-1/2026/11/24/` +
        `${ACCOUNT}_CloudTrail-Digest_eu-west-1_trail_us-east-1_20261124T130500Z.json.gz`,
    ),
    null,
  );
});

test('delivered log files become commits, records oldest first, across pages', async (t) => {
  const fake = await startS3(t);
  fake.pageSize = 2;
  const now = Date.now();
  const trail = { prefix: 'trail', account: ACCOUNT, region: 'us-east-1' };
  fake.deliverTrailFile(BUCKET, trail, now - 3 * 3_600_000, [
    record('too-old', 'CreateRole', IAM, now - 3 * 3_600_000, { roleName: 'old' }),
  ]);
  fake.deliverTrailFile(BUCKET, trail, now - 50 * MINUTE, [
    record(
      'e2',
      'AttachRolePolicy',
      IAM,
      now - 52 * MINUTE,
      { roleName: 'app', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      { user: 'bob' },
    ),
    record('e1', 'CreateRole', IAM, now - 55 * MINUTE, { roleName: 'app' }),
    { eventVersion: '1.09', note: 'not a record' },
  ]);
  fake.deliverTrailFile(BUCKET, trail, now - 40 * MINUTE, [
    record('e3', 'TagRole', IAM, now - 41 * MINUTE, { roleName: 'app', tags: [{ key: 'team', value: 'x' }] }),
  ]);
  fake.deliverTrailFile(BUCKET, trail, now - 30 * MINUTE, [
    record('e4', 'CreateRole', IAM, now - 31 * MINUTE, { roleName: 'db' }),
  ]);
  fake.putObject(BUCKET, `trail/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/README.txt`, Buffer.from('not a log file'));
  const harness = await openHarness(t);
  const source = s3Source(fake);
  const stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 4);
  await source.read();
  await stop();
  assert.deepEqual(
    harness.commits.map((commit) => [commit.trailers['Event-ID'], commit.authorName]),
    [
      ['e1', 'alice'],
      ['e2', 'bob'],
      ['e3', 'alice'],
      ['e4', 'alice'],
    ],
  );
  assert.equal(
    harness.batches.reduce((sum, batch) => sum + batch.rejected, 0),
    1,
    'the malformed record was counted as rejected',
  );
  assert.ok(
    fake.requests.some((request) => request.query['continuation-token']),
    'pages were followed',
  );
  assert.match(git(harness.gitdir, 'show', `main:aws/${ACCOUNT}/global/iam/Role/app.yaml`), /ReadOnlyAccess/);
  fsckStrict(harness.gitdir);
});

test('a restart reads only new files; a file delivered late within the overlap is still read, once', async (t) => {
  const fake = await startS3(t);
  const now = Date.now();
  const trail = { prefix: 'trail', account: ACCOUNT, region: 'us-east-1' };
  fake.deliverTrailFile(BUCKET, trail, now - 20 * MINUTE, [
    record('a', 'CreateRole', IAM, now - 21 * MINUTE, { roleName: 'a' }),
  ]);
  fake.deliverTrailFile(BUCKET, trail, now - 10 * MINUTE, [
    record('b', 'CreateRole', IAM, now - 11 * MINUTE, { roleName: 'b' }),
  ]);
  const harness = await openHarness(t);
  let source = s3Source(fake);
  let stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 2);
  await stop();

  // Named for a delivery 12 minutes ago (before the newest file read), but only now visible.
  fake.deliverTrailFile(BUCKET, trail, now - 12 * MINUTE, [
    record('late', 'CreateRole', IAM, now - 13 * MINUTE, { roleName: 'late' }),
  ]);
  fake.deliverTrailFile(BUCKET, trail, now - MINUTE, [
    record('c', 'CreateRole', IAM, now - 2 * MINUTE, { roleName: 'c' }),
  ]);
  const gets = () => fake.requests.filter((request) => request.key !== '').length;
  const before = gets();
  source = s3Source(fake);
  stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 4);
  await source.read();
  await stop();
  assert.equal(gets() - before, 2, 'only the two new files were downloaded');
  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    ['a', 'b', 'late', 'c'],
  );
  assert.ok(!harness.outcomes.includes('duplicate'));
});

test("a missing bucket fails the source with S3's error", async (t) => {
  const fake = await startS3(t);
  const harness = await openHarness(t);
  const source = s3Source(fake, { bucket: 'no-such-bucket' });
  const stop = harness.start(source);
  await source.read();
  assert.equal(source.status().state, 'failing');
  assert.match(source.status().lastError ?? '', /NoSuchBucket|bucket does not exist/);
  await stop();
});
