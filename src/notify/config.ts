// Configuration of notification channels, delivery and where policies and templates live
// (composed into gitrail.yaml's schema as `notifications`). Secrets only through SecretRef.
import { z } from 'zod';
import { Duration } from '../config/duration.ts';
import { CHANNEL_PLUGINS } from './registry.ts';

export const ChannelConfig = z
  .discriminatedUnion('kind', [
    CHANNEL_PLUGINS.slack.schema,
    CHANNEL_PLUGINS.teams.schema,
    CHANNEL_PLUGINS.discord.schema,
    CHANNEL_PLUGINS.mattermost.schema,
    CHANNEL_PLUGINS.webhook.schema,
    CHANNEL_PLUGINS.github.schema,
  ])
  .describe('a channel; `kind` is one of slack, teams, discord, mattermost, webhook, github');

export const DeliveryConfig = z
  .object({
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('attempts before a delivery becomes a dead letter'),
    initialBackoff: Duration.default(5_000).describe(
      'wait after the first failed attempt; doubles each time, with jitter',
    ),
    maxBackoff: Duration.default(600_000).describe(
      "longest wait between attempts (a receiver's Retry-After may ask for longer)",
    ),
    timeout: Duration.default(15_000).describe('per-request timeout'),
  })
  .strict()
  .describe('retries of failed deliveries');

export const NotifyConfig = z
  .object({
    policies: z
      .string()
      .min(1)
      .default('policies')
      .describe(
        "folder of policy files (*.yaml), relative to the config file's folder (the working directory without a file)",
      ),
    templates: z
      .string()
      .min(1)
      .default('templates')
      .describe(
        "folder of message templates (<kind>.yaml, <template>.<kind>.yaml), relative to the config file's folder",
      ),
    channels: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower case letters, digits and dashes'), ChannelConfig)
      .default({})
      .describe('channels by name; policies name them in `channels:`'),
    delivery: DeliveryConfig.default({ maxAttempts: 10, initialBackoff: 5_000, maxBackoff: 600_000, timeout: 15_000 }),
    viewerUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        "the web viewer's public base URL, for the diff links in messages (default: the address gitrail listens on)",
      ),
    summaryItems: z
      .number()
      .int()
      .min(1)
      .max(200)
      .default(20)
      .describe('matches listed by name in a summary or group message; the rest are counted'),
  })
  .strict()
  .describe('chat channels and the policies that post to them');
export type NotifyConfig = z.infer<typeof NotifyConfig>;
