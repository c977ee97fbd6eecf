// Discord channel webhook: 204 No Content is success. A 429 says how long to wait in the
// Retry-After header and in the JSON `retry_after` (seconds, a float; one report says
// milliseconds, discord/discord-api-docs#4722, so implausibly large values are read as ms).
import { resolveSecret } from '../../config/secret-ref.ts';
import { postToReceiver } from '../http.ts';
import { escapeMarkdown } from '../markup.ts';
import { templateFor, type Notifier, type NotifierContext } from '../notifier.ts';
import { renderMessage } from '../template.ts';
import type { DiscordChannelConfig } from './config.ts';
import { discordPayload } from './content.ts';

/** `retry_after` from a 429 body, in ms. */
export function discordRetryAfter(text: string): number | null {
  try {
    const value = (JSON.parse(text) as { retry_after?: unknown }).retry_after;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
    return value > 3600 ? Math.ceil(value) : Math.ceil(value * 1000);
  } catch {
    // Not JSON (a proxy's error page): no hint, the outbox's own backoff applies.
    return null;
  }
}

export function createDiscordNotifier(config: DiscordChannelConfig, context: NotifierContext): Notifier {
  const url = resolveSecret(config.url, `notify.channels.${context.id}.url`, context.env);
  const notifier: Notifier = {
    id: context.id,
    kind: 'discord',
    isIdempotent: false,
    async send(message, signal) {
      const template = templateFor(context, 'discord', message);
      const body = JSON.stringify(
        discordPayload(renderMessage(template, message, escapeMarkdown, notifier), config.username),
      );
      await postToReceiver(
        {
          channel: context.id,
          url,
          body,
          timeoutMs: context.timeoutMs,
          signal,
          accept: (status) => status === 204 || status === 200,
        },
        discordRetryAfter,
      );
    },
  };
  return notifier;
}
