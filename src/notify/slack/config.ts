// Configuration of a Slack channel (an incoming webhook).
import { z } from 'zod';
import { SecretRef } from '../../config/secret-ref.ts';

export const SlackChannelConfig = z
  .object({
    kind: z.literal('slack').describe('channel kind'),
    url: SecretRef.describe('the incoming webhook URL, which is a secret: {env: NAME} or {file: PATH}'),
    username: z.string().min(1).optional().describe('display name for the message (legacy webhooks only)'),
    iconEmoji: z.string().min(1).optional().describe('icon, e.g. :rotating_light: (legacy webhooks only)'),
  })
  .strict()
  .describe('a Slack channel: Block Kit message with a text fallback');
export type SlackChannelConfig = z.infer<typeof SlackChannelConfig>;
