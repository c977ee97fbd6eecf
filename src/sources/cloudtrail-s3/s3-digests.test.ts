// The S3 source with CloudTrail log file integrity validation, against the fake S3 (digest
// signatures in `x-amz-meta-signature`) and the fake CloudTrail (ListPublicKeys), both driven
// by the real AWS SDK: verified commits, an edited log file refused (status, metric), files
// waiting for their digest, and a digest deleted between two reads.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { Registry } from 'prom-client';
import { createRedactor } from '../../normalise/redact.ts';
import { ACCOUNT, record } from '../../../test/helpers/cloudtrail-fixtures.ts';
import { DigestTrail, signingKey, tamper, type TrailFile } from '../../../test/helpers/cloudtrail-digests.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { FakeCloudTrail } from '../../../test/fakes/cloudtrail.ts';
import { FakeS3 } from '../../../test/fakes/s3.ts';
import { registerSourceMetrics } from '../status-metrics.ts';
import { CloudTrailS3Config, type CloudTrailS3ConfigInput } from './config.ts';
import { CloudTrailS3Source } from './s3-source.ts';

const BUCKET = 'org-trail-logs';
const IAM = 'iam.amazonaws.com';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-secret' };
const key = signingKey();

async function fakes(t: TestContext) {
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  const s3 = await FakeS3.start();
  const cloudtrail = await FakeCloudTrail.start();
  t.after(() => Promise.all([s3.close(), cloudtrail.close()]));
  const now = Date.now();
  cloudtrail.publicKeys.push({
    region: 'us-east-1',
    fingerprint: key.fingerprint,
    der: key.der,
    validFrom: now - 30 * 86_400_000,
    validTo: now + 30 * 86_400_000,
  });
  const trail = new DigestTrail({ bucket: BUCKET, prefix: 'trail', account: ACCOUNT, region: 'us-east-1', key });
  const put = (file: TrailFile) =>
    s3.putObject(
      BUCKET,
      file.key,
      file.body,
      file.signature ? { signature: file.signature, 'signature-algorithm': 'SHA256withRSA' } : undefined,
    );
  return { s3, cloudtrail, trail, put, now };
}

function source(s3: FakeS3, cloudtrail: FakeCloudTrail, digests: CloudTrailS3ConfigInput['digests'] = {}) {
  const config = CloudTrailS3Config.parse({
    bucket: BUCKET,
    prefix: 'trail',
    accounts: [ACCOUNT],
    regions: ['us-east-1'],
    maxAge: '4h',
    digests: { cloudtrailEndpoint: cloudtrail.url, ...digests },
  });
  return new CloudTrailS3Source(
    config,
    { account: ACCOUNT, region: 'us-east-1' },
    {
      redact: createRedactor(Buffer.alloc(32, 4)),
      clientConfig: { endpoint: s3.url, credentials },
      cloudtrailClientConfig: { credentials },
    },
  );
}

const logFile = (trail: DigestTrail, delivered: number, id: string) =>
  trail.logFile(delivered, [record(id, 'CreateRole', IAM, delivered - MINUTE, { roleName: id })]);

const digestOf = (commit: { trailers: Readonly<Record<string, string>> }) => [
  commit.trailers['Event-ID'],
  commit.trailers['Log-File-Digest'],
];

test(
  'log files listed in signed digests (signature in S3 metadata, key from ListPublicKeys) are ' + 'verified',
  async (t) => {
    const { s3, cloudtrail, trail, put, now } = await fakes(t);
    const first = [logFile(trail, now - 3 * HOUR, 'a'), logFile(trail, now - 2.5 * HOUR, 'b')];
    const second = [logFile(trail, now - 1.9 * HOUR, 'c')];
    for (const file of [
      ...first,
      ...second,
      trail.digest(now - 2.2 * HOUR, first),
      trail.digest(now - 1.5 * HOUR, second),
    ])
      put(file);
    const harness = await openHarness(t);
    const ct = source(s3, cloudtrail);
    const stop = harness.start(ct);
    await harness.waitForCommits((commits) => commits.length === 3);
    await ct.read();
    assert.deepEqual(harness.commits.map(digestOf), [
      ['a', 'verified'],
      ['b', 'verified'],
      ['c', 'verified'],
    ]);
    assert.deepEqual(ct.status().logFiles, { verified: 3, unverified: 0, invalid: 0 });
    assert.equal(ct.status().state, 'up');
    const registry = new Registry();
    registerSourceMetrics(registry, () => [ct]);
    assert.match(
      await registry.metrics(),
      new RegExp(`gitrail_source_log_files_total\\{source="${ct.id}",digest="verified"\\} 3`),
    );
    await stop();
    assert.match(git(harness.gitdir, 'log', '-1', '--format=%B', 'main'), /\nLog-File-Digest: verified\n/);
    fsckStrict(harness.gitdir);
  },
);

test(
  'an edited log file is refused: failing status naming it, counted as invalid, nothing of it ' + 'written',
  async (t) => {
    const { s3, cloudtrail, trail, put, now } = await fakes(t);
    const files = [logFile(trail, now - 3 * HOUR, 'a'), logFile(trail, now - 2.8 * HOUR, 'b')];
    const digest = trail.digest(now - 2.2 * HOUR, files);
    tamper(files[1] as TrailFile, (text) => text.replace('"roleName":"b"', '"roleName":"backdoor"'));
    for (const file of [...files, digest]) put(file);
    const harness = await openHarness(t);
    const ct = source(s3, cloudtrail);
    const stop = harness.start(ct);
    await harness.waitForCommits((commits) => commits.length === 1);
    await ct.read();
    assert.equal(ct.status().state, 'failing', 'a refused log file is a standing problem');
    await stop();
    assert.deepEqual(harness.commits.map(digestOf), [['a', 'verified']]);
    const status = ct.status();
    assert.match(
      status.lastError ?? '',
      new RegExp(
        `^integrity: s3://${BUCKET}/${(files[1] as TrailFile).key}: invalid log file, not recorded: its SHA-256`,
      ),
    );
    assert.deepEqual(status.logFiles, { verified: 1, unverified: 0, invalid: 1 });
    assert.doesNotMatch(git(harness.gitdir, 'log', '--all', '-p'), /backdoor/);
  },
);

test('a log file waits for the digest that lists it; past waitFor it is read unverified', async (t) => {
  const { s3, cloudtrail, trail, put, now } = await fakes(t);
  const old = [logFile(trail, now - 3 * HOUR, 'a')];
  put(old[0] as TrailFile);
  put(trail.digest(now - 2.5 * HOUR, old));
  const stale = logFile(trail, now - 2 * HOUR, 'stale'); // its digest never comes
  const fresh = logFile(trail, now - 20 * MINUTE, 'fresh');
  put(stale);
  put(fresh);
  const harness = await openHarness(t);
  const ct = source(s3, cloudtrail, { waitFor: '1h' });
  const stop = harness.start(ct);
  await harness.waitForCommits((commits) => commits.length === 2);
  await ct.read();
  assert.deepEqual(harness.commits.map(digestOf), [
    ['a', 'verified'],
    ['stale', 'unverified'],
  ]);
  put(trail.digest(now - 5 * MINUTE, [stale, fresh]));
  await ct.read();
  await harness.waitForCommits((commits) => commits.length === 3);
  assert.deepEqual(digestOf(harness.commits[2] as (typeof harness.commits)[number]), ['fresh', 'verified']);
  assert.equal(ct.status().state, 'up', ct.status().lastError ?? '');
  await stop();
});

test('a digest deleted between two reads breaks the chain: the source reports it', async (t) => {
  const { s3, cloudtrail, trail, put, now } = await fakes(t);
  const first = [logFile(trail, now - 3.5 * HOUR, 'a')];
  put(first[0] as TrailFile);
  put(trail.digest(now - 3 * HOUR, first));
  const harness = await openHarness(t);
  const ct = source(s3, cloudtrail);
  const stop = harness.start(ct);
  await harness.waitForCommits((commits) => commits.length === 1);
  await ct.read();
  const second = [logFile(trail, now - 2.5 * HOUR, 'b')];
  const deleted = trail.digest(now - 2 * HOUR, second);
  const third = [logFile(trail, now - 1.5 * HOUR, 'c')];
  put(second[0] as TrailFile);
  put(third[0] as TrailFile);
  put(trail.digest(now - HOUR, third));
  await ct.read();
  await harness.waitForCommits((commits) => commits.length === 3);
  await stop();
  assert.match(ct.status().lastError ?? '', new RegExp(`previous digest ${deleted.key} is missing \\(deleted\\?\\)`));
  assert.deepEqual(harness.commits.map(digestOf), [
    ['a', 'verified'],
    ['b', 'unverified'],
    ['c', 'verified'],
  ]);
});

test('a trail without digests is read as before: no wait, no trailer', async (t) => {
  const { s3, cloudtrail, trail, put, now } = await fakes(t);
  put(logFile(trail, now - 10 * MINUTE, 'a'));
  const harness = await openHarness(t);
  const ct = source(s3, cloudtrail);
  const stop = harness.start(ct);
  await harness.waitForCommits((commits) => commits.length === 1);
  await stop();
  assert.deepEqual(harness.commits.map(digestOf), [['a', undefined]]);
  assert.equal(ct.status().logFiles, undefined);
  assert.equal(cloudtrail.requests.length, 0, 'ListPublicKeys is not called without digests');
});
