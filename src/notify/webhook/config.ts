// Configuration of a generic webhook channel.
import { z } from 'zod';
import { SecretRef } from '../../config/secret-ref.ts';

export const WebhookChannelConfig = z
  .object({
    kind: z.literal('webhook').describe('channel kind'),
    url: z.url({ protocol: /^https?$/ }).describe('where the JSON body is POSTed'),
    secret: SecretRef.describe('HMAC-SHA256 key: the body is signed in X-Gitrail-Signature-256: sha256=<hex>'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/), SecretRef)
      .default({})
      .describe('extra headers whose values are secrets (e.g. Authorization)'),
  })
  .strict()
  .describe('any HTTP receiver: a signed JSON body with an Idempotency-Key header');
export type WebhookChannelConfig = z.infer<typeof WebhookChannelConfig>;
