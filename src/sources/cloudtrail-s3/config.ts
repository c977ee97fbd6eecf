// Configuration of reading CloudTrail log files from an S3 bucket (composed into gitrail.yaml's
// schema): where the trail delivers (bucket, prefix, organization), which accounts and regions
// to read, the schedule, how far back the first run reads, and how to reach the bucket.
import { z } from 'zod';
import { DEFAULT_MAX_INFLATED_BYTES } from '../../domain/gunzip.ts';
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
} from '../config-schemas.ts';
import { S3DigestsConfig } from '../../formats/cloudtrail/digests/config.ts';

export const CloudTrailS3Config = z
  .object({
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not an S3 bucket name')
      .describe('the bucket the trail delivers to'),
    prefix: z
      .string()
      .regex(/^[^/].*[^/]$|^$/, 'no leading or trailing slash')
      .default('')
      .describe('key prefix of the trail, before `AWSLogs/` (empty when the trail has none)'),
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'an organization id looks like o-abcdef1234')
      .optional()
      .describe('the organization id of an organization trail (`AWSLogs/<o-id>/<account>/…`)'),
    accounts: z.array(AwsAccountId).min(1).describe('accounts whose log files are read'),
    regions: z
      .array(AwsRegion)
      .min(1)
      .describe('regions whose log files are read (global-service events are in us-east-1 files)'),
    schedule: CronSchedule('*/5 * * * *').describe(
      'node-cron schedule of the reads (CloudTrail delivers a file about every 5 minutes)',
    ),
    maxAge: MaxAge.describe('how far back (by delivery time) the first read goes'),
    overlap: Overlap.describe(
      'each read lists again the files delivered this long before the newest one read (files of one minute may ' +
        'appear out of order)',
    ),
    bucketRegion: AwsRegion.default('us-east-1').describe('the region of the bucket'),
    profile: AwsProfile.describe('AWS shared-config profile; default the usual credential chain'),
    assumeRole: AwsAssumeRole,
    endpoint: AwsEndpoint.describe(
      'S3 endpoint URL to use instead of the regional one (a VPC endpoint, an S3-compatible store)',
    ),
    forcePathStyle: z
      .boolean()
      .default(false)
      .describe('address the bucket in the path instead of the host name (S3-compatible stores)'),
    maxLag: MaxLag.describe(
      'the source reports `lagging` when the newest file read was delivered longer ago than this (plus ' +
        'digests.waitFor)',
    ),
    maxInflatedBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(DEFAULT_MAX_INFLATED_BYTES)
      .describe(
        'largest gunzipped log file read (default 256 MiB); a larger one is not read, named in the source status ' +
          'and the log, and the source goes on with the next file',
      ),
    digests: S3DigestsConfig.prefault({}),
  })
  .strict()
  .describe('CloudTrail log files delivered to an S3 bucket (AWSLogs layout)');
export type CloudTrailS3Config = z.infer<typeof CloudTrailS3Config>;
export type CloudTrailS3ConfigInput = z.input<typeof CloudTrailS3Config>;
