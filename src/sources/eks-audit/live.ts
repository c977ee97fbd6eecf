// The `eksAudit:` section: one CloudWatch Logs poller per EKS cluster (issue 13).
import { liveSourceKind, withNoise, type LiveSourceBaseDeps } from '../live-kind.ts';
import { EksAuditConfig, eksTarget } from './config.ts';
import type { EksAuditPollDeps } from './poll-source.ts';

export const eksAuditKind = liveSourceKind({
  key: 'eksAudit',
  folder: 'eks-audit',
  item: EksAuditConfig,
  description: 'EKS clusters whose audit log is polled from CloudWatch Logs (issue 13)',
  targets: (entry, index) => {
    const { cluster } = eksTarget(entry);
    return [
      {
        key: cluster,
        duplicate: (first) =>
          `eksAudit[${index}]: cluster ${JSON.stringify(cluster)} is already polled by eksAudit[${first}]`,
      },
    ];
  },
  build: async (clusters, deps, extras: Partial<Omit<EksAuditPollDeps, keyof LiveSourceBaseDeps>> | undefined) => {
    if (clusters.length === 0) return [];
    const { EksAuditPollSource } = await import('./poll-source.ts');
    const sourceDeps: EksAuditPollDeps = { ...withNoise(deps), ...extras };
    return clusters.map((cluster) => new EksAuditPollSource(cluster, sourceDeps));
  },
});
