// The client-node KubeConfig for one configured cluster: in-cluster service account, a
// kubeconfig file, or the default ($KUBECONFIG, ~/.kube/config), with an optional context.
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../../domain/errors.ts';
import type { KubernetesWatchConfig } from './config.ts';

export function loadKubeConfig(
  config: Pick<KubernetesWatchConfig, 'name' | 'kubeconfig' | 'context' | 'inCluster'>,
): KubeConfig {
  const where = `kubernetes ${config.name}`;
  const kc = new KubeConfig();
  try {
    if (config.inCluster) kc.loadFromCluster();
    else if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
    else kc.loadFromDefault();
  } catch (cause) {
    throw new ConfigError([
      `${where}: cannot load ${config.kubeconfig ?? 'the kubeconfig'}: ` +
        `${cause instanceof Error ? cause.message : String(cause)}`,
    ]);
  }
  if (config.context) {
    if (!kc.getContextObject(config.context))
      throw new ConfigError([`${where}: the kubeconfig has no context ${JSON.stringify(config.context)}`]);
    kc.setCurrentContext(config.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new ConfigError([
      `${where}: the kubeconfig names no cluster for context ${JSON.stringify(kc.getCurrentContext())}`,
    ]);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new ConfigError([
      `${where}: ${cluster.server} is plain http; set insecure-skip-tls-verify for it or use https`,
    ]);
  }
  return kc;
}
