// Mattermost incoming webhook: Slack-compatible `text` (Markdown). Mattermost ignores Slack
// `blocks` (mattermost/mattermost#14973), so everything goes into the text. 200 `ok` is success.
import { resolveSecret } from '../../config/secret-ref.ts';
import { postToReceiver } from '../http.ts';
import { codeBlock, defuseMentions, escapeMarkdown, truncate } from '../markup.ts';
import { templateFor, type Notifier, type NotifierContext } from '../notifier.ts';
import { renderMessage, type RenderedMessage } from '../template.ts';
import type { MattermostChannelConfig } from './config.ts';

/** Mattermost's default post limit is 16383 characters. */
export const MATTERMOST_TEXT_LIMIT = 16_000;

export function mattermostText(message: RenderedMessage): string {
  const parts = [`#### ${message.title}`];
  if (message.text) parts.push(message.text);
  if (message.fields.length > 0)
    parts.push(message.fields.map((field) => `**${field.label}:** ${field.value}`).join('  \n'));
  if (message.excerpt) parts.push(codeBlock(truncate(message.excerpt, 4000), 'diff'));
  if (message.links.length > 0) parts.push(message.links.map((link) => `[${link.label}](${link.url})`).join(' · '));
  if (message.footer) parts.push(`_${message.footer}_`);
  return truncate(parts.join('\n'), MATTERMOST_TEXT_LIMIT);
}

export function createMattermostNotifier(config: MattermostChannelConfig, context: NotifierContext): Notifier {
  const url = resolveSecret(config.url, `notify.channels.${context.id}.url`, context.env);
  const notifier: Notifier = {
    id: context.id,
    kind: 'mattermost',
    isIdempotent: false,
    async send(message, signal) {
      const template = templateFor(context, 'mattermost', message);
      const text = mattermostText(
        renderMessage(template, message, (value) => defuseMentions(escapeMarkdown(value)), notifier),
      );
      const body = JSON.stringify({
        text,
        ...(config.channel ? { channel: config.channel } : {}),
        ...(config.username ? { username: config.username } : {}),
      });
      await postToReceiver({
        channel: context.id,
        url,
        body,
        timeoutMs: context.timeoutMs,
        signal,
        accept: (status) => status === 200,
      });
    },
  };
  return notifier;
}
