import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubernetesPath } from '../../normalise/paths.ts';
import { kubernetesFolder, parseKubernetesPath } from './repository-path.ts';

test('a Kubernetes repository path reads back as what kubernetesPath was given', () => {
  const refs = [
    { cluster: 'prod', namespace: 'default', group: 'apps', resource: 'deployments', name: 'web' },
    { cluster: 'prod', namespace: 'team/a', group: '', resource: 'configmaps', name: 'x.status' },
    {
      cluster: '.hidden',
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      name: 'system:aggregate-to-admin',
    },
  ];
  for (const ref of refs) assert.deepEqual(parseKubernetesPath(kubernetesPath(ref)), { ...ref, status: false });
  assert.deepEqual(parseKubernetesPath('kubernetes/prod/namespaces/default/apps/deployments/web.status.yaml'), {
    ...refs[0],
    status: true,
  });
});

test('other paths are not Kubernetes resources', () => {
  for (const path of [
    'aws/123456789012/global/iam/Role/deploy.yaml',
    'kubernetes/prod/namespaces/default/apps/deployments',
    'kubernetes/prod/cluster/apps/deployments/web.txt',
    'kubernetes/prod/elsewhere/apps/deployments/web.yaml',
    'kubernetes/prod/namespaces/apps/deployments/web.yaml',
  ]) {
    assert.equal(parseKubernetesPath(path), null, path);
  }
});

test('the folder of a resource type', () => {
  assert.equal(
    kubernetesFolder({ cluster: 'prod', namespace: 'team-a', group: '', resource: 'configmaps' }),
    'kubernetes/prod/namespaces/team-a/core/configmaps/',
  );
  assert.equal(
    kubernetesFolder({ cluster: 'prod', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }),
    'kubernetes/prod/cluster/rbac.authorization.k8s.io/clusterroles/',
  );
});
