// What a cluster source records from a realistic API server: discovered kinds (custom
// resources, the preferred version), the namespace filters, and Kubernetes Events on the
// activity branch with their severity.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configMap, startFake, trailer, watchSource } from '../../../test/helpers/kube-fixtures.ts';
import { git } from '../../../test/helpers/git.ts';
import { assertNoSecrets } from '../../../test/helpers/secrets.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import type { KubeObject } from '../../../test/fakes/kube-apiserver.ts';

function kubeEvent(name: string, reason: string, message: string, type = 'Normal'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1' },
    reason,
    message,
    type,
    source: { component: 'kubelet' },
    lastTimestamp: '2026-11-20T10:05:00Z',
  };
}

test(
  'discovered kinds are recorded by their preferred version; churn, pods and excluded namespaces ' + 'are not',
  async (t) => {
    const fake = await startFake(t);
    fake.create(configMap('app', { a: '1' }));
    fake.create(configMap('team', { a: '1' }, 'team-a'));
    fake.create(configMap('dns', { a: '1' }, 'kube-system'));
    fake.create({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'default' },
      spec: { size: 3 },
    });
    fake.create({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: { maxReplicas: 4 },
    });
    fake.create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'leader', namespace: 'default' },
      spec: { holderIdentity: 'x' },
    });
    fake.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets: [] });
    fake.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'default' },
      spec: { containers: [] },
    });
    fake.create(kubeEvent('web-1.a', 'BackOff', 'Back-off restarting failed container', 'Warning'));
    fake.create(kubeEvent('web-1.b', 'Pulled', 'Successfully pulled image'));
    const harness = await openHarness(t);
    const source = watchSource(fake, { namespaces: { exclude: ['kube-system'] } });
    harness.start(source);
    await harness.waitForCommits((commits) => commits.length === 5);
    await source.settled();

    const files = git(harness.gitdir, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n').sort();
    assert.deepEqual(files, [
      'kubernetes/test/namespaces/default/autoscaling/horizontalpodautoscalers/web.yaml',
      'kubernetes/test/namespaces/default/core/configmaps/app.yaml',
      'kubernetes/test/namespaces/default/example.com/widgets/w1.yaml',
      'kubernetes/test/namespaces/team-a/core/configmaps/team.yaml',
    ]);
    assert.match(
      git(
        harness.gitdir,
        'show',
        'main:kubernetes/test/namespaces/default/autoscaling/horizontalpodautoscalers/web.yaml',
      ),
      /^apiVersion: autoscaling\/v2\n/,
    );
    const activity = harness.commits.filter((commit) => commit.branch === 'activity');
    assert.deepEqual(
      activity.map((commit) => [commit.subject, commit.authorName, trailer(commit, 'Severity')]),
      [['Warning BackOff Pod default/web-1', 'kubelet', 'error']],
    );

    // Events seen by the watch later, and their updates (a repeated Event), are recorded too.
    fake.create(kubeEvent('web-1.c', 'Unhealthy', 'Liveness probe timed out', 'Warning'));
    fake.patch('v1', 'Event', 'default', 'web-1.a', { count: 2, lastTimestamp: '2026-11-20T10:07:00Z' });
    await harness.waitForCommits((commits) => commits.filter((commit) => commit.branch === 'activity').length === 3);
    await source.resync();
    await source.settled();
    assert.equal(
      harness.commits.filter((commit) => commit.branch === 'activity').length,
      3,
      'a resync records no Event twice',
    );
    const warnings = harness.commits
      .filter((commit) => commit.branch === 'activity')
      .map((commit) => `${commit.subject}: ${trailer(commit, 'Severity')}`);
    assert.deepEqual(warnings.sort(), [
      'Warning BackOff Pod default/web-1: error',
      'Warning BackOff Pod default/web-1: error',
      'Warning Unhealthy Pod default/web-1: warning',
    ]);
  },
);

test('watched Secrets are recorded with hashed values only; the plaintext reaches no git object or file', async (t) => {
  const fake = await startFake(t);
  const password = 'hunter2-correct-horse';
  const applied = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', stringData: { password } });
  fake.create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'db',
      namespace: 'default',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied },
    },
    type: 'Opaque',
    data: { password: Buffer.from(password).toString('base64') },
  });
  const harness = await openHarness(t);
  const source = watchSource(fake, { events: { enabled: false } });
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  fake.patch('v1', 'Secret', 'default', 'db', {
    data: { password: Buffer.from(`${password}-rotated`).toString('base64') },
  });
  await harness.waitForCommits((commits) => commits.length === 2);
  await harness.close();
  assert.match(
    git(harness.gitdir, 'show', 'main:kubernetes/test/namespaces/default/core/secrets/db.yaml'),
    /password: hmac-sha256:[0-9a-f]{64}/,
  );
  assertNoSecrets(harness.dataDir, [password, `${password}-rotated`]);
});

test('namespaces named in the configuration are watched one by one', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('app', { a: '1' }));
  fake.create(configMap('other', { a: '1' }, 'team-b'));
  const harness = await openHarness(t);
  const source = watchSource(fake, {
    namespaces: { include: ['default'] },
    resources: { include: ['core/configmaps'] },
    events: { enabled: false },
  });
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();
  fake.create(configMap('late', { a: '1' }, 'team-b'));
  fake.create(configMap('next', { a: '2' }));
  await harness.waitForCommits((commits) => commits.length === 2);
  assert.deepEqual(
    harness.commits.map((commit) => commit.subject),
    ['observe configmaps default/app', 'observe configmaps default/next'],
  );
  const collections = new Set(
    fake.requests.filter((request) => request.path.includes('configmaps')).map((request) => request.path),
  );
  assert.deepEqual([...collections], ['/api/v1/namespaces/default/configmaps']);
});

test(
  'a resource installed later is watched from the next resync; a group whose discovery fails is skipped, ' +
    'not fatal',
  async (t) => {
    const fake = await startFake(t);
    fake.store.addResource({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      resource: 'podmetrics',
      kind: 'PodMetrics',
      namespaced: true,
    });
    fake.failRequests(1_000, (request) => request.path === '/apis/metrics.k8s.io/v1beta1');
    fake.create(configMap('app', { a: '1' }));
    const harness = await openHarness(t);
    const source = watchSource(fake, { events: { enabled: false } });
    harness.start(source);
    await harness.waitForCommits((commits) => commits.length === 1);
    await source.settled();
    assert.equal(source.status().state, 'up');

    fake.store.addResource({
      group: 'gitops.example.io',
      version: 'v1',
      resource: 'pipelines',
      kind: 'Pipeline',
      namespaced: true,
    });
    fake.create({
      apiVersion: 'gitops.example.io/v1',
      kind: 'Pipeline',
      metadata: { name: 'deploy', namespace: 'default' },
      spec: { stages: ['build', 'ship'] },
    });
    await source.resync();
    await harness.waitForCommits((commits) => commits.length === 2);
    assert.equal(harness.commits[1]?.subject, 'observe gitops.example.io/pipelines default/deploy');
  },
);
