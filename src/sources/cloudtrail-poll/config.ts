// Configuration of CloudTrail polling for one account (composed into gitrail.yaml's schema).
import { z } from 'zod';

export const CloudTrailPollConfig = z.object({ account: z.string().min(1).describe('AWS account id') }).strict().describe('an AWS account whose CloudTrail event history is polled');
export type CloudTrailPollConfig = z.infer<typeof CloudTrailPollConfig>;
