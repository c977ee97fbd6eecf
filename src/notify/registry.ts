// Every channel kind: its config schema and how to build its notifier. Adding a kind is one
// folder and one line here; registry.test.ts checks every folder is registered.
import type { z } from 'zod';
import type { ChannelKind } from './channel-kinds.ts';
import { DiscordChannelConfig } from './discord/config.ts';
import { createDiscordNotifier } from './discord/notifier.ts';
import { GitHubChannelConfig } from './github/config.ts';
import { createGitHubNotifier } from './github/notifier.ts';
import { MattermostChannelConfig } from './mattermost/config.ts';
import { createMattermostNotifier } from './mattermost/notifier.ts';
import type { Notifier, NotifierContext } from './notifier.ts';
import { SlackChannelConfig } from './slack/config.ts';
import { createSlackNotifier } from './slack/notifier.ts';
import { TeamsChannelConfig } from './teams/config.ts';
import { createTeamsNotifier } from './teams/notifier.ts';
import { WebhookChannelConfig } from './webhook/config.ts';
import { createWebhookNotifier } from './webhook/notifier.ts';

interface ChannelPlugin<S extends z.ZodType> {
  readonly schema: S;
  readonly create: (config: z.infer<S>, context: NotifierContext) => Notifier;
}

function plugin<S extends z.ZodType>(
  schema: S,
  create: (config: z.infer<S>, context: NotifierContext) => Notifier,
): ChannelPlugin<S> {
  return { schema, create };
}

export const CHANNEL_PLUGINS = {
  slack: plugin(SlackChannelConfig, createSlackNotifier),
  teams: plugin(TeamsChannelConfig, createTeamsNotifier),
  discord: plugin(DiscordChannelConfig, createDiscordNotifier),
  mattermost: plugin(MattermostChannelConfig, createMattermostNotifier),
  webhook: plugin(WebhookChannelConfig, createWebhookNotifier),
  github: plugin(GitHubChannelConfig, createGitHubNotifier),
} as const satisfies Record<ChannelKind, ChannelPlugin<z.ZodType>>;

export type ChannelConfig = { [K in ChannelKind]: z.infer<(typeof CHANNEL_PLUGINS)[K]['schema']> }[ChannelKind];

/** Builds the notifier of one configured channel (resolving its secrets). */
export function createNotifier(config: ChannelConfig, context: NotifierContext): Notifier {
  const create = CHANNEL_PLUGINS[config.kind].create as (config: ChannelConfig, context: NotifierContext) => Notifier;
  return create(config, context);
}
