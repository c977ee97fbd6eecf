// Issue 10 item 7: a log file that gunzips past cloudtrailS3[].maxInflatedBytes (a gzip bomb), or
// that is no valid gzip, is not read: the source names it in its status and goes on with the next
// file, against a fake S3 driven by the real @aws-sdk/client-s3.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { createRedactor } from '../../normalise/redact.ts';
import { ACCOUNT, record } from '../../../test/helpers/cloudtrail-fixtures.ts';
import { fsckStrict } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { FakeS3 } from '../../../test/fakes/s3.ts';
import { CloudTrailS3Config } from './config.ts';
import { CloudTrailS3Source } from './s3-source.ts';

const MINUTE = 60_000;
const MiB = 1024 * 1024;
const IAM = 'iam.amazonaws.com';
const BUCKET = 'org-trail-logs';

test('a log file past maxInflatedBytes, or not gzip, is named as a problem and the next files are read', async (t) => {
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  const fake = await FakeS3.start();
  t.after(() => fake.close());
  const now = Date.now();
  const trail = { prefix: 'trail', account: ACCOUNT, region: 'us-east-1' };
  fake.deliverTrailFile(BUCKET, trail, now - 50 * MINUTE, [
    record('e1', 'CreateRole', IAM, now - 51 * MINUTE, { roleName: 'app' }),
  ]);
  // 2 MiB of records gunzipped (a few KiB of gzip), past a 1 MiB cap.
  const bomb = fake.deliverTrailFile(BUCKET, trail, now - 45 * MINUTE, []);
  const padding = 'x'.repeat(2 * MiB);
  const big = record('big', 'CreateRole', IAM, now - 46 * MINUTE, { roleName: 'big', description: padding });
  fake.putObject(BUCKET, bomb, gzipSync(JSON.stringify({ Records: [big] })));
  const broken = fake.deliverTrailFile(BUCKET, trail, now - 42 * MINUTE, []);
  fake.putObject(BUCKET, broken, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip at all')]));
  fake.deliverTrailFile(BUCKET, trail, now - 40 * MINUTE, [
    record('e3', 'CreateRole', IAM, now - 41 * MINUTE, { roleName: 'db' }),
  ]);

  const harness = await openHarness(t);
  const source = new CloudTrailS3Source(
    CloudTrailS3Config.parse({
      bucket: BUCKET,
      prefix: 'trail',
      accounts: [ACCOUNT],
      regions: ['us-east-1'],
      maxAge: '2h',
      maxInflatedBytes: MiB,
    }),
    { account: ACCOUNT, region: 'us-east-1' },
    {
      redact: createRedactor(Buffer.alloc(32, 4)),
      clientConfig: { endpoint: fake.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-secret' } },
    },
  );
  const logs: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const controller = new AbortController();
  const run = source.run({ ...harness.ctx, log, signal: controller.signal });
  t.after(() => controller.abort());
  await harness.waitForCommits((commits) => commits.length === 2);
  await source.read();
  const status = source.status();
  controller.abort();
  await run;
  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    ['e1', 'e3'],
    'the files around them are read',
  );
  assert.equal(status.state, 'failing', 'a file that was not read is a standing problem');
  assert.match(status.lastError ?? '', new RegExp(`^files: s3://${BUCKET}/${broken} is not valid gzip`));
  const errors = logs.filter((entry) => entry['msg'] === 'CloudTrail log file not read');
  assert.deepEqual(
    errors.map((entry) => entry['key']),
    [bomb, broken],
  );
  assert.equal(
    errors[0]?.['reason'],
    `s3://${BUCKET}/${bomb} is larger than ${MiB} bytes gunzipped, the cap (cloudtrailS3[].maxInflatedBytes); not read`,
  );
  assert.match(String(errors[1]?.['reason']), new RegExp(`^s3://${BUCKET}/${broken} is not valid gzip`));
  fsckStrict(harness.gitdir);
});
