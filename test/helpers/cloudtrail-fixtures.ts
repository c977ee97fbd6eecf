// Shared pieces for tests of CloudTrail polling: CloudTrail records, and a poll source
// pointed at the fake endpoint with explicit credentials (never the default chain).
import type { TestContext } from 'node:test';
import { createRedactor } from '../../src/normalise/redact.ts';
import { CloudTrailPollConfig, type CloudTrailPollConfigInput } from '../../src/sources/cloudtrail-poll/config.ts';
import {
  CloudTrailPollSource,
  type CloudTrailPollDeps,
  type PollTarget,
} from '../../src/sources/cloudtrail-poll/poll-source.ts';
import { FakeCloudTrail } from '../fakes/cloudtrail.ts';

export const ACCOUNT = '111122223333';

// The SDK must never look for instance metadata (not loopback) in a test.
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';

export async function startFakeCloudTrail(t: TestContext): Promise<FakeCloudTrail> {
  const fake = await FakeCloudTrail.start();
  t.after(() => fake.close());
  return fake;
}

export function pollSource(
  fake: FakeCloudTrail,
  config: Partial<CloudTrailPollConfigInput> = {},
  target: PollTarget = { region: 'us-east-1', globalOnly: false },
  sliceEventLimit?: number,
  deps: Pick<CloudTrailPollDeps, 'retry'> = {},
): CloudTrailPollSource {
  const parsed = CloudTrailPollConfig.parse({ account: ACCOUNT, maxAge: '2h', requestsPerSecond: 2, ...config });
  return new CloudTrailPollSource(parsed, target, {
    redact: createRedactor(Buffer.alloc(32, 9)),
    clientConfig: { endpoint: fake.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'not-a-secret' } },
    ...(sliceEventLimit ? { sliceEventLimit } : {}),
    ...deps,
  });
}

export function record(
  id: string,
  name: string,
  source: string,
  time: number,
  params: unknown,
  options: { region?: string; user?: string; readOnly?: boolean } = {},
): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventID: id,
    eventTime: new Date(Math.floor(time / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    eventSource: source,
    eventName: name,
    awsRegion: options.region ?? 'us-east-1',
    readOnly: options.readOnly ?? false,
    managementEvent: true,
    eventCategory: 'Management',
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.15',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/${options.user ?? 'alice'}`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'Role', userName: 'Admin', arn: `arn:aws:iam::${ACCOUNT}:role/Admin` } },
    },
    requestParameters: params,
    responseElements: null,
  };
}

export const iam = { source: 'iam.amazonaws.com', type: 'AWS::IAM::Role' } as const;
