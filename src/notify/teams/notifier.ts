// Teams Workflows webhook: 202 Accepted is success (it only means the flow accepted the card;
// a later flow failure is invisible to us). 429 carries Retry-After. No idempotency key.
import { resolveSecret } from '../../config/secret-ref.ts';
import { postToReceiver } from '../http.ts';
import { templateFor, type Notifier, type NotifierContext } from '../notifier.ts';
import { escapeMarkdown } from '../markup.ts';
import { renderMessage } from '../template.ts';
import { teamsPayload } from './card.ts';
import type { TeamsChannelConfig } from './config.ts';

export function createTeamsNotifier(config: TeamsChannelConfig, context: NotifierContext): Notifier {
  const url = resolveSecret(config.url, `notify.channels.${context.id}.url`, context.env);
  const notifier: Notifier = {
    id: context.id,
    kind: 'teams',
    isIdempotent: false,
    async send(message, signal) {
      const template = templateFor(context, 'teams', message);
      const body = JSON.stringify(teamsPayload(renderMessage(template, message, escapeMarkdown, notifier)));
      await postToReceiver({
        channel: context.id,
        url,
        body,
        timeoutMs: context.timeoutMs,
        signal,
        accept: (status) => status === 202 || status === 200,
      });
    },
  };
  return notifier;
}
