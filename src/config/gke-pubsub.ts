// The Pub/Sub push route's settings (intake.gkePubSub): which Google-signed OIDC tokens it accepts.
// It has no bearer tokens of its own, so it is not one of the INTAKE_ROUTES.
import { z } from 'zod';
import { names } from './names.ts';

const MiB = 1024 * 1024;

export const GkePubSubConfig = z
  .object({
    enabled: z.boolean().default(false).describe('whether the route is served (404 when off)'),
    clusters: names('cluster names'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * MiB)
      .describe('largest request body accepted; larger bodies get 413'),
    audience: z
      .string()
      .min(1)
      .optional()
      .describe("the push subscription's OIDC audience (required when enabled); tokens for another are 401"),
    jwksUrl: z
      .url()
      .default('https://www.googleapis.com/oauth2/v3/certs')
      .describe("where Google's token-signing keys are published"),
    issuers: z
      .array(z.string().min(1))
      .min(1)
      .default(['https://accounts.google.com', 'accounts.google.com'])
      .describe('accepted token issuers'),
    serviceAccounts: z
      .array(z.string().min(3))
      .default([])
      .describe("the push subscription's service account e-mails accepted; empty accepts any verified one"),
  })
  .strict()
  .refine((route) => !route.enabled || route.audience !== undefined, {
    message: 'audience is required when the route is enabled',
    path: ['audience'],
  })
  .prefault({})
  .describe(
    'POST /ingest/gke/{cluster}/pubsub: a Pub/Sub push subscription of a Cloud Logging sink of GKE audit ' +
      'entries, authenticated by the Google-signed OIDC token Pub/Sub sends',
  );
