// zod pieces the live sources' config schemas share. Their error texts are what a user reads
// about a bad gitrail.yaml (registry.test.ts pins them); each use adds its own description.
import { z } from 'zod';
import { Duration } from '../config/duration.ts';
import { isCronExpression } from './runtime/schedule.ts';

export const AwsAccountId = z.string().regex(/^\d{12}$/, 'an AWS account id has 12 digits');

export const AwsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not an AWS region name (e.g. eu-west-1)');

/** A node-cron expression, `fallback` when absent (the error shows it as the example). */
export const CronSchedule = (fallback: string) =>
  z
    .string()
    .refine(isCronExpression, { message: `not a node-cron expression (5 or 6 fields, e.g. "${fallback}")` })
    .default(fallback);

/** How far back the first run of a CloudTrail source reads. */
export const MaxAge = Duration.refine((ms) => ms > 0, { message: 'maxAge must be positive' }).default(7 * 86_400_000);

/** How much a CloudTrail source reads again before where the last run ended. */
export const Overlap = Duration.default(15 * 60_000);

/** How far behind a source may be before it reports `lagging`. */
export const MaxLag = Duration.default(30 * 60_000);

export const AwsProfile = z.string().min(1).optional();

export const AwsEndpoint = z.string().url().optional();

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** The account an IAM role ARN belongs to, or undefined when it is not a role ARN. */
export const roleAccount = (roleArn: string): string | undefined => ROLE_ARN.exec(roleArn)?.[1];

/** A role assumed with STS AssumeRole for every request of a source (one role per member account). */
export const AwsAssumeRole = z
  .object({
    roleArn: z
      .string()
      .regex(ROLE_ARN, 'an IAM role ARN looks like arn:aws:iam::123456789012:role/OrganizationAccountAccessRole')
      .describe('the role to assume'),
    externalId: z.string().min(2).max(1224).optional().describe("the ExternalId the role's trust policy requires"),
    sessionName: z
      .string()
      .regex(/^[\w+=,.@-]{2,64}$/, 'a session name is 2-64 letters, digits or +=,.@_-')
      .default('gitrail')
      .describe("the session name (it appears in the account's own CloudTrail as the caller)"),
    stsEndpoint: AwsEndpoint.describe('STS endpoint URL instead of the regional one (a VPC endpoint)'),
  })
  .strict()
  .optional()
  .describe(
    "a role to assume for this source's requests (credentials from `profile` or the usual chain assume it; " +
      'refreshed before they expire)',
  );
export type AwsAssumeRole = z.infer<typeof AwsAssumeRole>;
