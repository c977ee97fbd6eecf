import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  activityPath,
  awsPath,
  customPath,
  escapeSegment,
  fileName,
  kubernetesPath,
  nameFromFileName,
  unescapeSegment,
} from './paths.ts';

test('the documented path layout', () => {
  assert.equal(
    kubernetesPath({ cluster: 'prod', namespace: 'default', group: 'apps', resource: 'deployments', name: 'nginx' }),
    'kubernetes/prod/namespaces/default/apps/deployments/nginx.yaml',
  );
  assert.equal(
    kubernetesPath({ cluster: 'prod', namespace: 'default', group: '', resource: 'configmaps', name: 'app' }),
    'kubernetes/prod/namespaces/default/core/configmaps/app.yaml',
  );
  assert.equal(
    kubernetesPath({
      cluster: 'prod',
      group: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      name: 'system:aggregate-to-admin',
    }),
    'kubernetes/prod/cluster/rbac.authorization.k8s.io/clusterroles/system:aggregate-to-admin.yaml',
  );
  assert.equal(
    awsPath({ account: '123456789012', region: 'global', service: 'iam', resourceType: 'Role', id: 'deploy' }),
    'aws/123456789012/global/iam/Role/deploy.yaml',
  );
  assert.equal(customPath('flags', 'checkout/new'), 'custom/flags/checkout/new.yaml');
  assert.equal(customPath('flags', '/checkout/new.yaml'), 'custom/flags/checkout/new.yaml');
  assert.equal(
    activityPath('kubernetes', Date.parse('2024-06-01T02:03:04Z'), 'a1b2'),
    'activity/kubernetes/2024/06/01/02/a1b2.yaml',
  );
});

test('no input can leave its folder, hide as a dot file or create ..', () => {
  assert.equal(escapeSegment('..'), '%2E.');
  assert.equal(escapeSegment('.git'), '%2Egit');
  assert.equal(escapeSegment('a/b'), 'a%2Fb');
  assert.equal(escapeSegment('100%'), '100%25');
  assert.equal(escapeSegment('tab\there\nnl'), 'tab%09here%0Anl');
  assert.equal(customPath('s', 'a/../../etc/passwd'), 'custom/s/a/%2E./%2E./etc/passwd.yaml');
  assert.throws(() => customPath('s', 'a//b'), /empty segment/);
  assert.throws(() => escapeSegment(''), /empty/);
  for (const path of [
    customPath('s', 'a/../../etc/passwd'),
    kubernetesPath({ cluster: '..', namespace: '.', group: '', resource: 'x', name: '../../y' }),
  ]) {
    assert.ok(
      path.split('/').every((part) => part !== '..' && part !== '.' && !part.startsWith('.')),
      path,
    );
  }
});

test('escaping is reversible and collision-free', () => {
  const names = ['plain', '..', '.hidden', 'a/b', 'a%2Fb', '%', 'x.status', 'x', 'ünïcode', 'tab\tname', 'back\\slash'];
  const files = names.map((name) => fileName(name));
  assert.equal(new Set(files).size, names.length);
  for (const name of names) {
    assert.equal(unescapeSegment(escapeSegment(name)), name);
    assert.equal(nameFromFileName(fileName(name)), name);
  }
  assert.equal(fileName('x.status'), 'x%2Estatus.yaml');
});
