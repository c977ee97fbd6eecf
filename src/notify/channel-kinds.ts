// The kinds of channel gitrail can post to; each has a folder under src/notify/ and a
// default template `templates/<kind>.yaml`.
export const CHANNEL_KINDS = ['slack', 'teams', 'discord', 'mattermost', 'webhook', 'github'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
