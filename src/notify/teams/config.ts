// Configuration of a Microsoft Teams channel (a Workflows webhook).
import { z } from 'zod';
import { SecretRef } from '../../config/secret-ref.ts';

export const TeamsChannelConfig = z
  .object({
    kind: z.literal('teams').describe('channel kind'),
    url: SecretRef.describe(
      'the Workflows "post to a channel when a webhook request is received" URL, which is a secret',
    ),
  })
  .strict()
  .describe(
    'a Microsoft Teams channel: an Adaptive Card through a Workflows webhook (Office 365 connectors are retired)',
  );
export type TeamsChannelConfig = z.infer<typeof TeamsChannelConfig>;
