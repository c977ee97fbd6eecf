// Configuration of CloudTrail polling for one account (composed into gitrail.yaml's schema):
// regions, schedule, how far back the first run reads, the overlap that catches late events,
// include/exclude lists, credentials (the usual AWS chain or a profile) and the request rate.
import { z } from 'zod';
import {
  AwsAccountId,
  AwsAssumeRole,
  AwsEndpoint,
  AwsProfile,
  AwsRegion,
  CronSchedule,
  MaxAge,
  MaxLag,
  Overlap,
  roleAccount,
} from '../config-schemas.ts';

export const LOOKUP_RETENTION_MS = 90 * 86_400_000;

const Patterns = (what: string) => z.array(z.string().min(1)).default([]).describe(what);

export const CloudTrailPollConfig = z
  .object({
    account: AwsAccountId.describe('AWS account id (used in paths and the `Account:` trailer)'),
    regions: z.array(AwsRegion).min(1).default(['us-east-1']).describe('regions whose event history is polled'),
    globalEvents: z
      .boolean()
      .default(true)
      .describe(
        'also read IAM, STS and other global-service events from us-east-1 when it is not among the regions ' +
          '(through `endpoint` when set, signed for us-east-1)',
      ),
    schedule: CronSchedule('*/5 * * * *').describe('node-cron schedule of the polls (default every 5 minutes)'),
    maxAge: MaxAge.describe('how far back the first poll reads (LookupEvents keeps 90 days; longer is cut to that)'),
    overlap: Overlap.describe(
      'each poll re-reads this much before the last one ended, because CloudTrail delivers events minutes late ' +
        '(dedupe by EventId)',
    ),
    include: Patterns(
      'resource types to record (CloudFormation names, globs allowed: `AWS::IAM::*`, `AWS::EC2::SecurityGroup`); ' +
        'empty: all',
    ),
    exclude: Patterns('event names never recorded (globs allowed: `Describe*`, `GetObject`)'),
    readOnly: z
      .boolean()
      .default(false)
      .describe(
        'also read read-only events (off: LookupEvents is asked for ReadOnly=false only, which halves the requests)',
      ),
    profile: AwsProfile.describe(
      'AWS shared-config profile for this account (it may assume a role with role_arn/source_profile); default ' +
        'the usual credential chain',
    ),
    assumeRole: AwsAssumeRole,
    endpoint: AwsEndpoint.describe(
      'CloudTrail endpoint URL to use instead of the regional one (a VPC endpoint), for every region of this entry ' +
        'and for the global-events reader; a regional endpoint serves one region: poll that region only and set ' +
        'globalEvents: false',
    ),
    requestsPerSecond: z
      .number()
      .positive()
      .max(2)
      .default(1)
      .describe(
        'LookupEvents requests per second per region, retries included, as AWS counts them on arrival ' +
          '(AWS allows 2 per account and region, shared with every other caller)',
      ),
    maxLag: MaxLag.describe('the source reports `lagging` when its last complete poll ended longer ago than this'),
  })
  .strict()
  .refine((config) => !config.assumeRole || roleAccount(config.assumeRole.roleArn) === config.account, {
    message:
      'assumeRole.roleArn must be a role of the polled account: LookupEvents reads the history of the account ' +
      'whose credentials sign it',
    path: ['assumeRole', 'roleArn'],
  })
  .describe('an AWS account whose CloudTrail event history is polled with LookupEvents');
export type CloudTrailPollConfig = z.infer<typeof CloudTrailPollConfig>;
export type CloudTrailPollConfigInput = z.input<typeof CloudTrailPollConfig>;
