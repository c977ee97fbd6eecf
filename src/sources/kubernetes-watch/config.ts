// Configuration of one watched Kubernetes cluster (composed into gitrail.yaml's schema):
// how to reach it, which resources and namespaces to record, the resync schedule, how long
// to wait for audit facts, and which Kubernetes Events go to the `activity` branch.
import { z } from 'zod';
import { Duration } from '../../config/duration.ts';
import { CronSchedule } from '../config-schemas.ts';

/** Resources that change without anyone changing configuration (issue 4). */
export const CHURN_RESOURCES: readonly string[] = [
  'core/events',
  'events.k8s.io/events',
  'coordination.k8s.io/leases',
  'core/endpoints',
  'discovery.k8s.io/endpointslices',
  '*/*reviews',
  'core/componentstatuses',
];

/** The Mission Control defaults for Kubernetes Events (seeds/000_c00a11c6f9a6feac.txt). */
export const DEFAULT_EVENT_EXCLUDED_REASONS: readonly string[] = [
  'SuccessfulCreate',
  'Pulling',
  'Pulled',
  'Started',
  'Created',
];
export const DEFAULT_SEVERITY_KEYWORDS = { error: ['failed', 'error'], warn: ['backoff', 'unhealthy', 'oom'] } as const;

const Patterns = (what: string, fallback: readonly string[]) =>
  z
    .array(z.string().min(1))
    .default([...fallback])
    .describe(what);

export const KubernetesResourcesConfig = z
  .object({
    include: Patterns(
      '`<group>/<resource>` globs to record (group `core` for the legacy group), e.g. `apps/*`, `core/configmaps`',
      ['**'],
    ),
    exclude: Patterns('`<group>/<resource>` globs never recorded, in addition to the churn exclusions', []),
    excludeChurn: z
      .boolean()
      .default(true)
      .describe(`leave out resources that are not configuration: ${CHURN_RESOURCES.join(', ')}`),
    pods: z.boolean().default(false).describe('also record core/pods (off by default: they churn)'),
    replicaSets: z
      .boolean()
      .default(false)
      .describe('also record apps/replicasets (off by default: deployments own them)'),
  })
  .strict()
  .describe('which discovered resources are listed and watched');

export const KubernetesNamespacesConfig = z
  .object({
    include: Patterns(
      'namespace globs to record; plain names (no `*`) are watched one by one, which needs only namespace-level RBAC',
      ['*'],
    ),
    exclude: Patterns('namespace globs never recorded', []),
  })
  .strict()
  .describe('which namespaces are recorded (cluster-scoped resources are not filtered by namespace)');

export const KubernetesEventsConfig = z
  .object({
    enabled: z.boolean().default(true).describe('record Kubernetes Event objects (core/v1) on the activity branch'),
    exclusions: z
      .object({
        reasons: Patterns(
          'Event reasons that are not recorded (exact, case-sensitive)',
          DEFAULT_EVENT_EXCLUDED_REASONS,
        ),
      })
      .strict()
      .prefault({})
      .describe('Events left out'),
    severityKeywords: z
      .object({
        error: Patterns(
          'keywords (case-insensitive) in reason or message that make an Event `Severity: error`',
          DEFAULT_SEVERITY_KEYWORDS.error,
        ),
        warn: Patterns(
          'keywords (case-insensitive) in reason or message that make an Event `Severity: warning`',
          DEFAULT_SEVERITY_KEYWORDS.warn,
        ),
      })
      .strict()
      .prefault({})
      .describe('severity of an Event from keywords; without a match, type Warning gives `warning`, else `info`'),
  })
  .strict()
  .describe('Kubernetes Events recorded as activity');

export const KubernetesWatchConfig = z
  .object({
    name: z.string().min(1).describe('cluster name used in paths (`kubernetes/<name>/…`) and the `Cluster:` trailer'),
    kubeconfig: z
      .string()
      .min(1)
      .optional()
      .describe('path of a kubeconfig file; default $KUBECONFIG, then ~/.kube/config'),
    context: z.string().min(1).optional().describe('kubeconfig context to use; default the current context'),
    inCluster: z
      .boolean()
      .default(false)
      .describe('use the service account of the pod gitrail runs in instead of a kubeconfig'),
    resources: KubernetesResourcesConfig.prefault({}),
    namespaces: KubernetesNamespacesConfig.prefault({}),
    resync: CronSchedule('*/15 * * * *').describe(
      'node-cron schedule of the full re-list that also finds deletions (default every 15 minutes)',
    ),
    attributionDelay: Duration.default(10_000).describe(
      'how long a watched change waits for audit facts (audit webhooks batch for up to ~30s) before it is committed',
    ),
    attributionWindow: Duration.default(60_000).describe(
      'an audit fact for the same object at most this long before the change names its author (`Attribution: ' +
        'correlated`)',
    ),
    listPageSize: z.number().int().min(1).max(10_000).default(500).describe('items per list request (`limit`)'),
    events: KubernetesEventsConfig.prefault({}),
  })
  .strict()
  .refine((config) => !(config.inCluster && (config.kubeconfig || config.context)), {
    message: 'inCluster cannot be combined with kubeconfig or context',
  })
  .describe('a Kubernetes cluster to list and watch');
export type KubernetesWatchConfig = z.infer<typeof KubernetesWatchConfig>;
export type KubernetesWatchConfigInput = z.input<typeof KubernetesWatchConfig>;
