// Configuration of the web viewer and JSON API, composed into gitrail.yaml's schema.
// Read access always needs a token (here or GITRAIL_VIEW_TOKEN) or a trusted proxy header.
import { z } from 'zod';
import { SecretRef } from './secret-ref.ts';

export const ViewerToken = z
  .object({
    name: z.string().min(1).max(100).describe('who holds this token; shown in the viewer header as the signed-in user'),
    secret: SecretRef.describe('where the token value comes from (at least 16 characters)'),
  })
  .strict()
  .describe('one read token for the viewer and the API');
export type ViewerToken = z.infer<typeof ViewerToken>;

export const TrustedProxy = z
  .object({
    header: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'a header name')
      .describe('request header in which the reverse proxy names the authenticated user, e.g. X-Forwarded-User'),
    addresses: z
      .array(z.string().min(1))
      .min(1)
      .describe(
        'peer addresses the proxy connects from (required); the header is ignored on requests from any other ' +
          'address, so no client can name itself by sending the header',
      ),
  })
  .strict()
  .describe('trust a reverse proxy that authenticates users and names them in a header');
export type TrustedProxy = z.infer<typeof TrustedProxy>;

export const ViewerConfig = z
  .object({
    tokens: z
      .array(ViewerToken)
      .default([])
      .describe('read tokens; the environment variable GITRAIL_VIEW_TOKEN adds one named "viewer"'),
    trustedProxy: TrustedProxy.optional().describe(
      'trust a reverse proxy that authenticates users and names them in a header (off by default)',
    ),
    sessionHours: z
      .number()
      .positive()
      .max(24 * 30)
      .default(12)
      .describe('how long a login (the session cookie) lasts, in hours'),
    secureCookie: z
      .boolean()
      .default(false)
      .describe('mark the session cookie Secure (set when the viewer is reached over HTTPS)'),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(50)
      .describe('commits per page in the timeline and history pages'),
    maxDiffBytes: z
      .number()
      .int()
      .min(1024)
      .default(2 * 1024 * 1024)
      .describe('a diff larger than this is not rendered in the commit page (the API still returns it)'),
  })
  .strict()
  .describe('web viewer and JSON API');
export type ViewerConfig = z.infer<typeof ViewerConfig>;

/** The viewer's settings as served: over TLS the session cookie is always `Secure`. */
export function servedViewerConfig(viewer: ViewerConfig, tls: boolean): ViewerConfig {
  return tls && !viewer.secureCookie ? { ...viewer, secureCookie: true } : viewer;
}
