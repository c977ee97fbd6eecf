// The `kubernetes:` section: one watch source per cluster (issue 4).
import { liveSourceKind, withNoise, type LiveSourceBaseDeps } from '../live-kind.ts';
import { KubernetesWatchConfig } from './config.ts';
import type { KubernetesWatchDeps } from './watch-source.ts';

export const kubernetesWatchKind = liveSourceKind({
  key: 'kubernetes',
  folder: 'kubernetes-watch',
  item: KubernetesWatchConfig,
  description: 'Kubernetes clusters to list and watch (issue 4)',
  targets: (cluster, index) => [
    {
      key: cluster.name,
      duplicate: (first) =>
        `kubernetes[${index}].name: cluster ${JSON.stringify(cluster.name)} is already configured at ` +
        `kubernetes[${first}]`,
    },
  ],
  build: async (clusters, deps, extras: Partial<Omit<KubernetesWatchDeps, keyof LiveSourceBaseDeps>> | undefined) => {
    if (clusters.length === 0) return [];
    const { KubernetesWatchSource } = await import('./watch-source.ts');
    const sourceDeps: KubernetesWatchDeps = { ...withNoise(deps), ...extras };
    return clusters.map((cluster) => new KubernetesWatchSource(cluster, sourceDeps));
  },
});
