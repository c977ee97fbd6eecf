// An organization trail read from the log-archive account: the bucket is reached with a role
// assumed there (fake STS, the SDK's own provider), the `AWSLogs/o-<org>/<member account>/…`
// layout is read for every member account listed, and each account's changes land under it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeS3 } from '../../../test/fakes/s3.ts';
import { FakeSts } from '../../../test/fakes/sts.ts';
import { ACCOUNT, record } from '../../../test/helpers/cloudtrail-fixtures.ts';
import { git } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { CloudTrailS3Config } from './config.ts';
import { CloudTrailS3Source } from './s3-source.ts';

const BUCKET = 'org-trail-logs';
const ORG = 'o-abcdef1234';
const MEMBER = '444455556666';
const ARCHIVE_ROLE = 'arn:aws:iam::777788889999:role/gitrail-log-reader';

test('an organization trail: a role in the log-archive account reads every member account', async (t) => {
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  process.env['AWS_ACCESS_KEY_ID'] = 'AKIDMANAGEMENTACCT';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'management-secret';
  const [s3, sts] = [await FakeS3.start(), await FakeSts.start()];
  t.after(() => Promise.all([s3.close(), sts.close()]));
  const now = Date.now();
  for (const [account, role] of [
    [ACCOUNT, 'app'],
    [MEMBER, 'billing'],
  ] as const)
    s3.deliverTrailFile(BUCKET, { prefix: '', organizationId: ORG, account, region: 'us-east-1' }, now - 20 * 60_000, [
      {
        ...record(`e-${account}`, 'CreateRole', 'iam.amazonaws.com', now - 21 * 60_000, { roleName: role }),
        recipientAccountId: account,
      },
    ]);
  const config = CloudTrailS3Config.parse({
    bucket: BUCKET,
    organizationId: ORG,
    accounts: [ACCOUNT, MEMBER],
    regions: ['us-east-1'],
    maxAge: '2h',
    assumeRole: { roleArn: ARCHIVE_ROLE, stsEndpoint: sts.url },
  });
  const harness = await openHarness(t);
  const sources = [ACCOUNT, MEMBER].map(
    (account) =>
      new CloudTrailS3Source(
        config,
        { account, region: 'us-east-1' },
        { redact: createRedactor(Buffer.alloc(32, 4)), clientConfig: { endpoint: s3.url, forcePathStyle: true } },
      ),
  );
  const stops = sources.map((source) => harness.start(source));
  await harness.waitForCommits((commits) => commits.length === 2);
  for (const stop of stops) await stop();
  assert.ok(s3.requests.length > 0);
  assert.ok(s3.requests.every((request) => request.accessKeyId === FakeSts.keyFor(ARCHIVE_ROLE)));
  assert.ok(sts.calls.every((call) => call.roleArn === ARCHIVE_ROLE && call.callerKey === 'AKIDMANAGEMENTACCT'));
  const files = git(harness.gitdir, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n');
  assert.deepEqual(files.sort(), [
    `aws/${ACCOUNT}/global/iam/Role/app.yaml`,
    `aws/${MEMBER}/global/iam/Role/billing.yaml`,
  ]);
});
