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
