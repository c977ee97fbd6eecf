// The policy file format (`policies/*.yaml`): which commits a policy matches, how severe a
// match is, which channels hear about it, with which template, and the noise controls.
// One zod schema gives the types, the defaults, the documentation and the validation.
import { z } from 'zod';
import { Duration } from '../config/duration.ts';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES).describe('how urgent a match is: info, low, medium, high, critical');
export type Severity = z.infer<typeof Severity>;

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** One matcher may be written without the list around it. */
function asList(value: unknown): unknown {
  return value === undefined || Array.isArray(value) ? value : [value];
}

const Glob = z.string().min(1);
/** One glob or a list of them; a value matches when any glob does. */
const Globs = z.union([Glob, z.array(Glob).min(1)]).transform((value) => (typeof value === 'string' ? [value] : value));

export const Matcher = z
  .object({
    paths: Globs.optional().describe(
      'repository path globs (picomatch), e.g. aws/*/global/iam/** or kubernetes/*/namespaces/kube-system/**',
    ),
    branch: z
      .enum(['main', 'activity'])
      .optional()
      .describe('main (state changes) or activity (events); both when absent'),
    sources: Globs.optional().describe('globs over the Source: trailer, e.g. cloudtrail, kubernetes-audit, generic/*'),
    actors: Globs.optional().describe(
      "globs over the author's name or email, e.g. system:serviceaccount:* or *@example.com",
    ),
    verbs: Globs.optional().describe(
      'globs over the Verb: trailer: the Kubernetes verb (create, patch, …) or the CloudTrail event name ' +
        '(StopLogging)',
    ),
    resources: Globs.optional().describe(
      'Kubernetes <group>/<resource> globs, e.g. rbac.authorization.k8s.io/* or core/secrets (from the path; ' +
        'from the event on activity)',
    ),
    kinds: Globs.optional().describe(
      'Kubernetes kind of the changed document, e.g. ClusterRoleBinding (reads the document)',
    ),
    namespaces: Globs.optional().describe(
      'Kubernetes namespace globs; cluster-scoped resources have none and never match',
    ),
    awsResourceTypes: Globs.optional().describe(
      'AWS <service>/<ResourceType> globs from the path, e.g. iam/Role, ec2/SecurityGroup, iam/*',
    ),
    trailers: z
      .record(z.string().min(1), Globs)
      .optional()
      .describe('trailer name → value globs, all must match, e.g. {MFA: "false"}'),
    expression: z
      .string()
      .min(1)
      .optional()
      .describe(
        'a CEL expression over commit, change, before, after and doc (the changed document after, else before); ' +
          'true to match',
      ),
  })
  .strict()
  .describe(
    'criteria that must all hold for one changed file of a commit; a list criterion holds when any of its globs ' +
      'matches',
  );
export type Matcher = z.infer<typeof Matcher>;

export const Silence = z
  .object({
    until: z.iso.datetime({ offset: true }).describe('ISO 8601 time the silence ends, e.g. 2026-07-01T00:00:00Z'),
    reason: z.string().min(1).describe('why it is silenced (shown in `gitrail notifications`)'),
    actors: Globs.optional().describe('only matches by these actors are silenced'),
    paths: Globs.optional().describe('only matches on these paths are silenced'),
  })
  .strict()
  .describe('matches are recorded but not sent until the given time');
export type Silence = z.infer<typeof Silence>;

export const Noise = z
  .object({
    group: z
      .object({
        by: z.literal('actor').default('actor').describe('what a group shares: the actor'),
        window: Duration.describe('how long a group collects matches before it is sent as one message'),
      })
      .strict()
      .optional()
      .describe('matches by the same actor within the window become one message'),
    repeatInterval: Duration.optional().describe(
      'a resource that matched is not announced again before this interval has passed',
    ),
    silences: z.array(Silence).default([]).describe('time-boxed silences'),
    rateLimit: z
      .object({
        max: z.number().int().positive().describe('messages per channel within the period'),
        per: Duration.describe('the period'),
      })
      .strict()
      .optional()
      .describe(
        'past the limit, matches are collected into one summary message sent when the period allows; never dropped',
      ),
  })
  .strict()
  .describe('noise controls; all are off unless set');
export type Noise = z.infer<typeof Noise>;

export const Escalation = z
  .object({
    when: Matcher.describe('criteria for a matched change that raise the severity'),
    severity: Severity,
  })
  .strict();

export const PolicyDocument = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower case letters, digits and dashes')
      .optional()
      .describe('unique policy name; defaults to the file name without .yaml'),
    description: z.string().optional().describe('what the policy guards, shown in messages'),
    enabled: z.boolean().default(true).describe('false keeps the policy loaded and checked but never matching'),
    match: z
      .preprocess(asList, z.array(Matcher).min(1))
      .describe('criteria for a changed file; a list means any of them'),
    unless: z
      .preprocess(asList, z.array(Matcher))
      .default([])
      .describe('a changed file that meets any of these is not a match (e.g. controllers: actors system:*)'),
    severity: Severity.default('medium'),
    escalate: z
      .array(Escalation)
      .default([])
      .describe('raise the severity when a matched change also meets these criteria'),
    channels: z
      .array(z.string().min(1))
      .min(1)
      .describe('names of channels (notify.channels in gitrail.yaml) to notify'),
    template: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower case letters, digits and dashes')
      .optional()
      .describe('template set: templates/<template>.<kind>.yaml replaces templates/<kind>.yaml for this policy'),
    noise: Noise.default({ silences: [] }),
  })
  .strict()
  .describe('a notification policy');
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/** A validated policy with its name resolved and the file it came from. */
export interface Policy extends Omit<PolicyDocument, 'name'> {
  readonly name: string;
  readonly file: string;
}
