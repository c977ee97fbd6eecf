// Which discovered resources and namespaces a cluster source lists and watches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planCollections, reconcileScope } from './collections.ts';
import { KubernetesWatchConfig } from './config.ts';
import type { ResourceType } from './resource-filter.ts';

const type = (group: string, resource: string, namespaced = true, version = 'v1'): ResourceType => ({
  group,
  version,
  resource,
  kind: resource,
  namespaced,
});
const DISCOVERED: ResourceType[] = [
  type('', 'configmaps'),
  type('', 'secrets'),
  type('', 'pods'),
  type('', 'events'),
  type('', 'endpoints'),
  type('', 'namespaces', false),
  type('apps', 'deployments'),
  type('apps', 'replicasets'),
  type('coordination.k8s.io', 'leases'),
  type('discovery.k8s.io', 'endpointslices'),
  type('events.k8s.io', 'events'),
  type('authorization.k8s.io', 'selfsubjectreviews', false),
  type('rbac.authorization.k8s.io', 'clusterroles', false),
];

const keys = (input: Record<string, unknown>): string[] =>
  planCollections(DISCOVERED, KubernetesWatchConfig.parse({ name: 'c', ...input })).map((c) => c.key);

test('by default the churn, pods and replicasets are left out and core/v1 Events feed the activity branch', () => {
  assert.deepEqual(keys({}), [
    'state|core/configmaps|*',
    'state|core/secrets|*',
    'events|core/events|*',
    'state|core/namespaces|*',
    'state|apps/deployments|*',
    'state|rbac.authorization.k8s.io/clusterroles|*',
  ]);
});

test('pods and replicasets can be switched on; include and exclude take group/resource globs', () => {
  assert.ok(keys({ resources: { pods: true, replicaSets: true } }).includes('state|core/pods|*'));
  assert.ok(keys({ resources: { replicaSets: true } }).includes('state|apps/replicasets|*'));
  assert.deepEqual(keys({ resources: { include: ['apps/*', 'core/configmaps'] }, events: { enabled: false } }), [
    'state|core/configmaps|*',
    'state|apps/deployments|*',
  ]);
  assert.ok(!keys({ resources: { exclude: ['core/secrets'] } }).includes('state|core/secrets|*'));
  assert.ok(keys({ resources: { excludeChurn: false } }).includes('state|coordination.k8s.io/leases|*'));
});

test('namespaces named literally are watched one by one; cluster-scoped resources once', () => {
  const planned = keys({
    namespaces: { include: ['team-a', 'team-b'] },
    resources: { include: ['core/configmaps', 'core/namespaces'] },
    events: { enabled: false },
  });
  assert.deepEqual(planned, [
    'state|core/configmaps|team-a',
    'state|core/configmaps|team-b',
    'state|core/namespaces|*',
  ]);
  assert.ok(keys({ namespaces: { include: ['team-*'] } }).includes('state|core/configmaps|*'));
});

test('the folder a complete list accounts for', () => {
  const all = reconcileScope('prod', { type: type('apps', 'deployments') }, (ns) => ns !== 'kube-system');
  assert.equal(all.prefix, 'kubernetes/prod/namespaces/');
  assert.equal(all.glob, 'kubernetes/prod/namespaces/*/apps/deployments/*');
  assert.equal(
    reconcileScope('a*[b]?', { type: type('', 'configmaps') }, () => true).glob,
    'kubernetes/a[*][[]b][?]/namespaces/*/core/configmaps/*',
  );
  assert.equal(all.includes('kubernetes/prod/namespaces/default/apps/deployments/web.yaml'), true);
  assert.equal(all.includes('kubernetes/prod/namespaces/kube-system/apps/deployments/dns.yaml'), false);
  assert.equal(all.includes('kubernetes/prod/namespaces/default/apps/statefulsets/web.yaml'), false);
  assert.equal(
    reconcileScope('prod', { type: type('', 'configmaps'), namespace: 'team-a' }, () => true).prefix,
    'kubernetes/prod/namespaces/team-a/core/configmaps/',
  );
  assert.equal(
    reconcileScope('prod', { type: type('rbac.authorization.k8s.io', 'clusterroles', false) }, () => true).prefix,
    'kubernetes/prod/cluster/rbac.authorization.k8s.io/clusterroles/',
  );
});
