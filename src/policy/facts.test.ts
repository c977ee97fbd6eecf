import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gcpPath } from '../normalise/path-grammars/gcp.ts';
import { awsPath, kubernetesPath, statusSiblingPath } from '../normalise/paths.ts';
import { changeFacts, describeResource } from './facts.ts';

test('facts of the paths the ledger writes: segments unescaped, kept status as a subresource', () => {
  const binding = kubernetesPath({
    cluster: 'prod',
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterrolebindings',
    name: 'ops/admin',
  });
  assert.deepEqual(changeFacts(binding, 'A').kubernetes, {
    cluster: 'prod',
    namespace: null,
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterrolebindings',
    name: 'ops/admin',
    subresource: null,
  });
  const deployment = kubernetesPath({
    cluster: 'eu',
    namespace: '.shop',
    group: 'apps',
    resource: 'deployments',
    name: 'web',
  });
  assert.deepEqual(changeFacts(statusSiblingPath(deployment), 'M').kubernetes, {
    cluster: 'eu',
    namespace: '.shop',
    group: 'apps',
    resource: 'deployments',
    name: 'web',
    subresource: 'status',
  });
  const role = awsPath({
    account: '111122223333',
    region: 'global',
    service: 'iam',
    resourceType: 'Role',
    id: 'deploy',
  });
  assert.deepEqual(changeFacts(role, 'D').aws, {
    account: '111122223333',
    region: 'global',
    service: 'iam',
    resourceType: 'Role',
    id: 'deploy',
  });
  assert.equal(describeResource(changeFacts(role, 'D')), 'iam/Role deploy (account 111122223333, global)');
  assert.deepEqual(changeFacts('custom/flags/checkout.yaml', 'M'), {
    path: 'custom/flags/checkout.yaml',
    op: 'M',
    kubernetes: null,
    aws: null,
    gcp: null,
  });
  assert.equal(
    changeFacts('activity/kubernetes/2026/05/04/09/e1.yaml', 'A').kubernetes,
    null,
    'an activity path says nothing without its event',
  );
});

test('a GCP path gives its project, location, service, type and name, unescaped', () => {
  const version = gcpPath({
    project: 'shop-prod',
    location: 'global',
    service: 'secretmanager',
    resource: ['secrets', 'db/password', 'versions', '3'],
  });
  assert.equal(version, 'gcp/shop-prod/global/secretmanager/secrets/db%2Fpassword/versions/3.yaml');
  const facts = changeFacts(version, 'A');
  assert.deepEqual(facts.gcp, {
    project: 'shop-prod',
    location: 'global',
    service: 'secretmanager',
    type: 'versions',
    name: '3',
    parents: ['secrets', 'db/password'],
  });
  assert.equal(facts.kubernetes, null);
  assert.equal(facts.aws, null);
  const instance = changeFacts('gcp/shop-prod/europe-west1-b/compute/instances/vm-1.yaml', 'M');
  assert.deepEqual(instance.gcp, {
    project: 'shop-prod',
    location: 'europe-west1-b',
    service: 'compute',
    type: 'instances',
    name: 'vm-1',
    parents: [],
  });
  assert.equal(describeResource(instance), 'compute/instances vm-1 (project shop-prod, europe-west1-b)');
});
