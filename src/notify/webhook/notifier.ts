// Generic webhook: the notification as JSON, signed like GitHub's webhooks
// (`X-Gitrail-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`), with the delivery
// id in `Idempotency-Key` and `X-Gitrail-Delivery`. Receivers that drop repeated ids get each
// message exactly once even when a crash makes gitrail send it again. Any 2xx is success.
import { createHmac } from 'node:crypto';
import { resolveSecret } from '../../config/secret-ref.ts';
import { postToReceiver } from '../http.ts';
import { templateFor, type Notifier, type NotifierContext } from '../notifier.ts';
import type { Notification } from '../notification.ts';
import { renderMessage } from '../template.ts';
import type { WebhookChannelConfig } from './config.ts';

export const SIGNATURE_HEADER = 'x-gitrail-signature-256';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookBody(
  message: Notification,
  rendered: ReturnType<typeof renderMessage>,
): Record<string, unknown> {
  const { id, kind, channel, policy, severity, total, actors, rateLimit, items, attempt } = message;
  return {
    id,
    kind,
    channel,
    policy: { name: policy.name, description: policy.description },
    severity,
    total,
    actors,
    rateLimit,
    attempt,
    items,
    message: rendered,
  };
}

export function createWebhookNotifier(config: WebhookChannelConfig, context: NotifierContext): Notifier {
  const where = `notify.channels.${context.id}`;
  const secret = resolveSecret(config.secret, `${where}.secret`, context.env);
  const extra = Object.fromEntries(
    Object.entries(config.headers).map(([name, ref]) => [
      name.toLowerCase(),
      resolveSecret(ref, `${where}.headers.${name}`, context.env),
    ]),
  );
  const notifier: Notifier = {
    id: context.id,
    kind: 'webhook',
    isIdempotent: true,
    async send(message, signal) {
      const template = templateFor(context, 'webhook', message);
      const body = JSON.stringify(
        webhookBody(
          message,
          renderMessage(template, message, (value) => value, notifier),
        ),
      );
      const headers = {
        ...extra,
        'idempotency-key': message.id,
        'x-gitrail-delivery': message.id,
        'x-gitrail-event': 'notification',
        [SIGNATURE_HEADER]: signBody(secret, body),
      };
      await postToReceiver({
        channel: context.id,
        url: config.url,
        body,
        headers,
        timeoutMs: context.timeoutMs,
        signal,
        accept: (status) => status >= 200 && status < 300,
      });
    },
  };
  return notifier;
}
