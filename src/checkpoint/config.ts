// gitrail.yaml's `signing`, `checkpoint` and `retention` sections (issue 11): the key commits
// and checkpoints are signed with, how often checkpoints are written and where they are
// timestamped or announced, and how long closed activity periods are kept.
import { z } from 'zod';
import { Duration } from '../config/duration.ts';

export const SigningConfig = z
  .object({
    keyFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'unencrypted OpenSSH Ed25519 private key that signs every commit and checkpoint; default ' +
          '<data>/keys/signing.key, created on first start',
      ),
    principal: z
      .string()
      .regex(/^[^\s,"]+$/, 'one principal, without spaces, commas or quotes')
      .optional()
      .describe('who the key belongs to in the allowed-signers file (default: the committer email)'),
  })
  .strict()
  .describe('the SSH key every commit and checkpoint is signed with (verify with git verify-commit)');

export const CheckpointConfig = z
  .object({
    interval: Duration.default(3_600_000).describe(
      'time between two signed checkpoints (one is also written at shutdown)',
    ),
    timestamp: z
      .object({
        url: z
          .url({ protocol: /^https?$/ })
          .describe('RFC 3161 time-stamping authority (POST application/timestamp-query)'),
        timeout: Duration.default(10_000).describe('per-request timeout'),
      })
      .strict()
      .optional()
      .describe('have each checkpoint timestamped by an RFC 3161 authority (stored as refs/tags/timestamps/<time>)'),
    notify: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .optional()
      .describe('a webhook channel of notify.channels each checkpoint is posted to, as JSON'),
  })
  .strict()
  .describe('signed checkpoint tags (refs/tags/checkpoints/<UTC time>) that chain the branch heads');

export const RetentionConfig = z
  .object({
    activity: Duration.optional().describe(
      'how long a closed activity period is kept after it ends (e.g. 400d); unset keeps everything and writes no ' +
        'periods',
    ),
    period: z
      .enum(['month', 'day'])
      .default('month')
      .describe('length of an activity period (UTC), when retention.activity is set'),
  })
  .strict()
  .describe('how long activity is kept; main is never rewritten');

export type SigningConfig = z.infer<typeof SigningConfig>;
export type CheckpointConfig = z.infer<typeof CheckpointConfig>;
export type RetentionConfig = z.infer<typeof RetentionConfig>;
