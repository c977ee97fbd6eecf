// Slack incoming webhook: Block Kit with a text fallback; 200 `ok` is success, 429 carries
// Retry-After (seconds), which the outbox honours. Slack has no idempotency key.
import { resolveSecret } from '../../config/secret-ref.ts';
import { postToReceiver } from '../http.ts';
import { escapeSlack } from '../markup.ts';
import { templateFor, type Notifier, type NotifierContext } from '../notifier.ts';
import { renderMessage } from '../template.ts';
import { slackPayload } from './blocks.ts';
import type { SlackChannelConfig } from './config.ts';

export function createSlackNotifier(config: SlackChannelConfig, context: NotifierContext): Notifier {
  const url = resolveSecret(config.url, `notify.channels.${context.id}.url`, context.env);
  const extra = {
    ...(config.username ? { username: config.username } : {}),
    ...(config.iconEmoji ? { icon_emoji: config.iconEmoji } : {}),
  };
  const notifier: Notifier = {
    id: context.id,
    kind: 'slack',
    isIdempotent: false,
    async send(message, signal) {
      const template = templateFor(context, 'slack', message);
      const body = JSON.stringify(slackPayload(renderMessage(template, message, escapeSlack, notifier), extra));
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
