// Configuration of a Mattermost channel (an incoming webhook).
import { z } from 'zod';
import { SecretRef } from '../../config/secret-ref.ts';

export const MattermostChannelConfig = z
  .object({
    kind: z.literal('mattermost').describe('channel kind'),
    url: SecretRef.describe('the incoming webhook URL https://<host>/hooks/<key>, which is a secret'),
    channel: z.string().min(1).optional().describe("channel name to post to instead of the webhook's own"),
    username: z.string().min(1).optional().describe('display name (when the server allows overriding it)'),
  })
  .strict()
  .describe('a Mattermost channel: Slack-compatible text in Markdown');
export type MattermostChannelConfig = z.infer<typeof MattermostChannelConfig>;
