// The registry of live sources: each kind's gitrail.yaml key, its folder, its config schema and
// how it builds Source instances (one per cluster; one per account and region for CloudTrail).
// Adding a live source is one folder and one entry here; registry.test.ts runs the contract on each.
// A kind's module (and its client library) is imported only when that kind is configured:
// @kubernetes/client-node and the AWS SDKs would double the start-up time of every command.
import type { NoiseRules } from '../normalise/noise.ts';
import type { Redact } from '../normalise/redact.ts';
import type { AksAuditPollDeps } from './aks-audit/poll-source.ts';
import type { CloudTrailPollDeps } from './cloudtrail-poll/poll-source.ts';
import type { CloudTrailS3Deps } from './cloudtrail-s3/s3-source.ts';
import type { EksAuditPollDeps } from './eks-audit/poll-source.ts';
import type { KubernetesWatchDeps } from './kubernetes-watch/watch-source.ts';
import type { LiveSourcesConfig } from './live-config.ts';
import type { Source } from './source.ts';

/** What every live source needs from the composition root. */
export interface LiveSourceDeps {
  readonly redact: Redact;
  /** Key names hashed wherever they appear (lower case). */
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Noise rules per `<group>/<resource>` (Kubernetes). */
  readonly noiseRules?: (groupResource: string) => NoiseRules;
  /** Per-kind extras, for tests and special setups (a ready KubeConfig, SDK client settings). */
  readonly kubernetes?: Partial<Omit<KubernetesWatchDeps, keyof LiveSourceDeps>>;
  readonly cloudtrail?: Partial<Omit<CloudTrailPollDeps, keyof LiveSourceDeps>>;
  readonly cloudtrailS3?: Partial<Omit<CloudTrailS3Deps, keyof LiveSourceDeps>>;
  readonly eksAudit?: Partial<Omit<EksAuditPollDeps, keyof LiveSourceDeps>>;
  readonly aksAudit?: Partial<Omit<AksAuditPollDeps, keyof LiveSourceDeps>>;
}

interface LiveSourceKind {
  /** The gitrail.yaml key. */
  readonly key: keyof LiveSourcesConfig;
  /** The folder under src/sources. */
  readonly folder: string;
  build(config: LiveSourcesConfig, deps: LiveSourceDeps): Promise<Source[]>;
}

/** What every kind takes; noise rules are the Kubernetes sources' alone. */
function commonDeps(deps: LiveSourceDeps): Pick<LiveSourceDeps, 'redact' | 'sensitiveKeys'> {
  return { redact: deps.redact, ...(deps.sensitiveKeys ? { sensitiveKeys: deps.sensitiveKeys } : {}) };
}

export const LIVE_SOURCES: readonly LiveSourceKind[] = [
  {
    key: 'kubernetes',
    folder: 'kubernetes-watch',
    build: async (config, deps) => {
      if (config.kubernetes.length === 0) return [];
      const { KubernetesWatchSource } = await import('./kubernetes-watch/watch-source.ts');
      const sourceDeps: KubernetesWatchDeps = {
        ...commonDeps(deps),
        ...(deps.noiseRules ? { noiseRules: deps.noiseRules } : {}),
        ...deps.kubernetes,
      };
      return config.kubernetes.map((cluster) => new KubernetesWatchSource(cluster, sourceDeps));
    },
  },
  {
    key: 'cloudtrail',
    folder: 'cloudtrail-poll',
    build: async (config, deps) => {
      if (config.cloudtrail.length === 0) return [];
      const { CloudTrailPollSource } = await import('./cloudtrail-poll/poll-source.ts');
      const sourceDeps: CloudTrailPollDeps = { ...commonDeps(deps), ...deps.cloudtrail };
      return config.cloudtrail.flatMap((account) => {
        const regions = account.regions.map(
          (region) => new CloudTrailPollSource(account, { region, globalOnly: false }, sourceDeps),
        );
        // IAM, STS and other global services log to us-east-1 only.
        const needsGlobal = account.globalEvents && !account.regions.includes('us-east-1');
        return needsGlobal
          ? [...regions, new CloudTrailPollSource(account, { region: 'us-east-1', globalOnly: true }, sourceDeps)]
          : regions;
      });
    },
  },
  {
    key: 'cloudtrailS3',
    folder: 'cloudtrail-s3',
    build: async (config, deps) => {
      if (config.cloudtrailS3.length === 0) return [];
      const { CloudTrailS3Source } = await import('./cloudtrail-s3/s3-source.ts');
      const sourceDeps: CloudTrailS3Deps = { ...commonDeps(deps), ...deps.cloudtrailS3 };
      return config.cloudtrailS3.flatMap((trail) =>
        trail.accounts.flatMap((account) =>
          trail.regions.map((region) => new CloudTrailS3Source(trail, { account, region }, sourceDeps)),
        ),
      );
    },
  },
  {
    key: 'eksAudit',
    folder: 'eks-audit',
    build: async (config, deps) => {
      if (config.eksAudit.length === 0) return [];
      const { EksAuditPollSource } = await import('./eks-audit/poll-source.ts');
      const sourceDeps: EksAuditPollDeps = {
        ...commonDeps(deps),
        ...(deps.noiseRules ? { noiseRules: deps.noiseRules } : {}),
        ...deps.eksAudit,
      };
      return config.eksAudit.map((cluster) => new EksAuditPollSource(cluster, sourceDeps));
    },
  },
  {
    key: 'aksAudit',
    folder: 'aks-audit',
    build: async (config, deps) => {
      if (config.aksAudit.length === 0) return [];
      const { AksAuditPollSource } = await import('./aks-audit/poll-source.ts');
      const sourceDeps: AksAuditPollDeps = {
        ...commonDeps(deps),
        ...(deps.noiseRules ? { noiseRules: deps.noiseRules } : {}),
        ...deps.aksAudit,
      };
      return config.aksAudit.map((cluster) => new AksAuditPollSource(cluster, sourceDeps));
    },
  },
];

/** Every configured live source, ready to `run`. Call checkLiveSources (live-config.ts) first. */
export async function buildLiveSources(config: LiveSourcesConfig, deps: LiveSourceDeps): Promise<Source[]> {
  return (await Promise.all(LIVE_SOURCES.map((kind) => kind.build(config, deps)))).flat();
}
