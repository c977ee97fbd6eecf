// Shared pieces for tests of the Kubernetes watch source: a KubeConfig for the fake API
// server, a source configured for tests (no attribution delay, fast backoff) and objects.
import { KubeConfig } from '@kubernetes/client-node';
import type { TestContext } from 'node:test';
import { createRedactor } from '../../src/normalise/redact.ts';
import { KubernetesWatchConfig, type KubernetesWatchConfigInput } from '../../src/sources/kubernetes-watch/config.ts';
import { KubernetesWatchSource } from '../../src/sources/kubernetes-watch/watch-source.ts';
import type { SourceStatus } from '../../src/sources/source.ts';
import { FakeKubeApiServer, type KubeObject } from '../fakes/kube-apiserver.ts';

export const TEST_TOKEN = 'test-token-not-a-secret';

export function fakeKubeConfig(fake: FakeKubeApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server: fake.url, skipTLSVerify: true }],
    users: [{ name: 'tester', token: TEST_TOKEN }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester' }],
    currentContext: 'fake',
  });
  return kc;
}

/** `now`: the fake's clock (managedFields times), e.g. to keep two writes apart by whole seconds. */
export async function startFake(t: TestContext, options: { now?: () => number } = {}): Promise<FakeKubeApiServer> {
  const fake = await FakeKubeApiServer.start({ token: TEST_TOKEN, ...options });
  t.after(() => fake.close());
  return fake;
}

export function watchSource(
  fake: FakeKubeApiServer,
  config: Partial<KubernetesWatchConfigInput> = {},
): KubernetesWatchSource {
  const parsed = KubernetesWatchConfig.parse({ name: 'test', attributionDelay: 0, ...config });
  return new KubernetesWatchSource(parsed, {
    redact: createRedactor(Buffer.alloc(32, 7)),
    kubeConfig: fakeKubeConfig(fake),
    backoff: { initialMs: 20, maxMs: 200 },
  });
}

export function configMap(name: string, data: Record<string, string>, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

export function deployment(name: string, replicas: number, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `${name}:1` }] } },
    },
    status: { replicas, readyReplicas: replicas },
  };
}

export function trailer(commit: { trailers: Readonly<Record<string, string>> }, key: string): string | undefined {
  return commit.trailers[key];
}

/** Resolves with the first status for which `predicate` holds (checked now and on every change). */
export function waitForStatus(
  source: KubernetesWatchSource,
  predicate: (status: SourceStatus) => boolean,
  timeoutMs = 10_000,
): Promise<SourceStatus> {
  const now = source.status();
  if (predicate(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`status never matched; last: ${JSON.stringify(source.status())}`));
    }, timeoutMs);
    const unsubscribe = source.onStatusChange((status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(status);
    });
  });
}
