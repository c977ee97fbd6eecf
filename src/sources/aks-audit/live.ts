// The `aksAudit:` section: one reader of the diagnostic-settings export per AKS cluster (issue 13).
import { liveSourceKind, withNoise, type LiveSourceBaseDeps } from '../live-kind.ts';
import { AksAuditConfig, aksTarget } from './config.ts';
import type { AksAuditPollDeps } from './poll-source.ts';

export const aksAuditKind = liveSourceKind({
  key: 'aksAudit',
  folder: 'aks-audit',
  item: AksAuditConfig,
  description: 'AKS clusters whose audit log is read from the storage account of their diagnostic settings (issue 13)',
  targets: (entry, index) => {
    const { cluster } = aksTarget(entry);
    return [
      {
        key: cluster,
        duplicate: (first) =>
          `aksAudit[${index}]: cluster ${JSON.stringify(cluster)} is already read by aksAudit[${first}]`,
      },
    ];
  },
  build: async (clusters, deps, extras: Partial<Omit<AksAuditPollDeps, keyof LiveSourceBaseDeps>> | undefined) => {
    if (clusters.length === 0) return [];
    const { AksAuditPollSource } = await import('./poll-source.ts');
    const sourceDeps: AksAuditPollDeps = { ...withNoise(deps), ...extras };
    return clusters.map((cluster) => new AksAuditPollSource(cluster, sourceDeps));
  },
});
