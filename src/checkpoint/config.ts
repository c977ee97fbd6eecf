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

const RetentionRule = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
        'a rule name is one git ref component: lower-case letters, digits and inner dashes, at most 40 characters',
      )
      .describe('names the rule and its branch: activity it matches is written to refs/heads/activity-<name>'),
    match: z
      .object({
        source: z
          .string()
          .min(1)
          .optional()
          .describe('glob on the Source: trailer, e.g. kubernetes-watch or kubernetes-*'),
        activity: z
          .string()
          .min(1)
          .optional()
          .describe('glob on the Activity: trailer, e.g. kubernetes-event, denied, exec'),
        path: z.string().min(1).optional().describe('glob on the activity file path, e.g. activity/kubernetes/**'),
      })
      .strict()
      .refine((match) => Object.keys(match).length > 0, 'name at least one of source, activity, path')
      .describe('what the rule takes: an activity record matching every glob given (the first matching rule wins)'),
    keep: Duration.refine((ms) => ms > 0, 'keep must be longer than 0 (drop the rule to keep everything)').describe(
      'how long a closed period of this line is kept after it ends, e.g. 30d',
    ),
    period: z
      .enum(['month', 'day'])
      .optional()
      .describe("length of this line's periods (UTC); default retention.period"),
  })
  .strict();

export const RetentionConfig = z
  .object({
    activity: Duration.optional().describe(
      'how long a closed activity period is kept after it ends (e.g. 400d); unset keeps everything and writes no ' +
        'periods',
    ),
    period: z
      .enum(['month', 'day'])
      .default('month')
      .describe('length of an activity period (UTC), when retention.activity is set or a rule applies'),
    rules: z
      .array(RetentionRule)
      .default([])
      .superRefine((rules, ctx) => {
        const seen = new Set<string>();
        rules.forEach((rule, at) => {
          if (seen.has(rule.name))
            ctx.addIssue({ code: 'custom', path: [at, 'name'], message: `a second rule named ${rule.name}` });
          seen.add(rule.name);
        });
      })
      .describe(
        'per-source retention: activity a rule matches goes to its own branch activity-<name>, in its own ' +
          'periods, kept for its own time (e.g. Kubernetes Events for 30d)',
      ),
  })
  .strict()
  .describe('how long activity is kept; main is never rewritten');

export type SigningConfig = z.infer<typeof SigningConfig>;
export type CheckpointConfig = z.infer<typeof CheckpointConfig>;
export type RetentionConfig = z.infer<typeof RetentionConfig>;
export type RetentionRule = z.infer<typeof RetentionRule>;
