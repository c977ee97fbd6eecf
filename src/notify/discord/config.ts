// Configuration of a Discord channel (a channel webhook).
import { z } from 'zod';
import { SecretRef } from '../../config/secret-ref.ts';

export const DiscordChannelConfig = z
  .object({
    kind: z.literal('discord').describe('channel kind'),
    url: SecretRef.describe('the webhook URL https://discord.com/api/webhooks/<id>/<token>, which is a secret'),
    username: z.string().min(1).max(80).optional().describe('display name of the webhook message'),
  })
  .strict()
  .describe('a Discord channel: one message of at most 2000 characters, mentions disabled');
export type DiscordChannelConfig = z.infer<typeof DiscordChannelConfig>;
