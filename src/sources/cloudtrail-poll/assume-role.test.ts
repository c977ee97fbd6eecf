// AWS Organizations: each member account is polled with a role assumed in it, through the real
// SDK's credential provider against a fake STS, and CloudTrail sees requests signed with that
// role's temporary credentials. A role STS refuses is a failing source naming the role, not a crash.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ACCOUNT, record, startFakeCloudTrail } from '../../../test/helpers/cloudtrail-fixtures.ts';
import { FakeSts } from '../../../test/fakes/sts.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { CloudTrailPollConfig } from './config.ts';
import { CloudTrailPollSource } from './poll-source.ts';

const ROLE = `arn:aws:iam::${ACCOUNT}:role/OrganizationAccountAccessRole`;
const CALLER = 'AKIDMANAGEMENTACCT';

async function startSts(t: TestContext): Promise<FakeSts> {
  const sts = await FakeSts.start();
  t.after(() => sts.close());
  // The management account's own credentials, from the usual chain.
  const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
  process.env['AWS_ACCESS_KEY_ID'] = CALLER;
  process.env['AWS_SECRET_ACCESS_KEY'] = 'management-secret';
  t.after(() => {
    for (const [key, value] of [
      ['AWS_ACCESS_KEY_ID', saved.id],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  });
  return sts;
}

function source(endpoint: string, sts: FakeSts, roleArn = ROLE): CloudTrailPollSource {
  const config = CloudTrailPollConfig.parse({
    account: roleArn.split(':')[4],
    maxAge: '2h',
    requestsPerSecond: 2,
    assumeRole: { roleArn, externalId: 'gitrail-audit-7f3c', stsEndpoint: sts.url },
  });
  return new CloudTrailPollSource(
    config,
    { region: 'us-east-1', globalOnly: false },
    {
      redact: createRedactor(Buffer.alloc(32, 9)),
      clientConfig: { endpoint },
      retry: { attempts: 2, initialMs: 10, maxMs: 20 },
    },
  );
}

test("a member account is polled with the role assumed in it; CloudTrail sees that role's credentials", async (t) => {
  const sts = await startSts(t);
  const fake = await startFakeCloudTrail(t);
  fake.addRecord(
    'us-east-1',
    record('e1', 'CreateRole', 'iam.amazonaws.com', Date.now() - 60_000, {
      roleName: 'app',
      assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    }),
  );
  const harness = await openHarness(t);
  const polled = source(fake.url, sts);
  const stop = harness.start(polled);
  await harness.waitForCommits((commits) => commits.length === 1);
  await polled.poll();
  await stop();
  assert.deepEqual(sts.calls[0], {
    roleArn: ROLE,
    sessionName: 'gitrail',
    externalId: 'gitrail-audit-7f3c',
    callerKey: CALLER,
  });
  assert.equal(sts.calls.length, 1, 'the temporary credentials are reused until they near expiry');
  assert.ok(fake.requests.length >= 1);
  for (const request of fake.requests) {
    assert.equal(request.accessKeyId, FakeSts.keyFor(ROLE));
    assert.equal(request.sessionToken, `session-for-${ACCOUNT}`);
  }
  assert.equal(harness.commits[0]?.subject, 'iam:CreateRole Role app');
});

test('a role STS refuses makes the source fail with the reason, and nothing is read', async (t) => {
  const sts = await startSts(t);
  sts.denied.add(ROLE);
  const fake = await startFakeCloudTrail(t);
  const harness = await openHarness(t);
  const polled = source(fake.url, sts);
  const stop = harness.start(polled);
  // A failed poll is reported through the status (and retried on schedule), never thrown at the daemon.
  await polled.poll().catch(() => undefined);
  await stop();
  assert.match(
    polled.status().lastError ?? '',
    /not authorized to perform: sts:AssumeRole on .*OrganizationAccountAccessRole/,
  );
  assert.equal(fake.requests.length, 0);
});

test('a role of another account is a configuration error: it would poll the wrong history', () => {
  const result = CloudTrailPollConfig.safeParse({
    account: ACCOUNT,
    assumeRole: { roleArn: 'arn:aws:iam::999999999999:role/Audit' },
  });
  assert.equal(result.success, false);
  assert.match(JSON.stringify(result.error?.issues), /assumeRole.roleArn must be a role of the polled account/);
  const bad = CloudTrailPollConfig.safeParse({ account: ACCOUNT, assumeRole: { roleArn: 'Audit' } });
  assert.match(JSON.stringify(bad.error?.issues), /an IAM role ARN looks like/);
});
