import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awsActor, kubernetesActor, UNRESOLVED_ACTOR } from './identity.ts';

test('Kubernetes: the authenticated user, email when it is one, else a stable synthetic address', () => {
  assert.deepEqual(kubernetesActor({ username: 'alice@example.com' }), {
    name: 'alice@example.com',
    email: 'alice@example.com',
  });
  assert.deepEqual(kubernetesActor({ username: 'system:serviceaccount:kube-system:replicaset-controller' }), {
    name: 'system:serviceaccount:kube-system:replicaset-controller',
    email: 'system-serviceaccount-kube-system-replicaset-controller@kubernetes.invalid',
  });
  assert.deepEqual(kubernetesActor({ username: 'evil <x@y> \n' }), {
    name: 'evil x@y',
    email: 'evil-x-y@kubernetes.invalid',
  });
  assert.deepEqual(kubernetesActor(undefined), UNRESOLVED_ACTOR);
});

const acct = '111122223333';
const assumed = (session: string, role: string, extra: object = {}) => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${acct}:assumed-role/${role}/${session}`,
  sessionContext: { sessionIssuer: { type: 'Role', userName: role }, ...extra },
});

test('AWS: the person behind the call, never the role', () => {
  assert.deepEqual(awsActor(assumed('alice@example.com', 'AWSReservedSSO_Admin_abc'), acct), {
    actor: { name: 'alice@example.com', email: 'alice@example.com' },
    role: 'AWSReservedSSO_Admin_abc',
  });
  assert.deepEqual(awsActor(assumed('gh-4711', 'deployer', { sourceIdentity: 'bob@example.com' }), acct), {
    actor: { name: 'bob@example.com', email: 'bob@example.com' },
    role: 'deployer',
  });
  assert.deepEqual(
    awsActor(
      {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${acct}:assumed-role/R/s`,
        onBehalfOf: { userId: '906a7a1c-id', identityStoreArn: 'arn:aws:identitystore::1:identitystore/d-1' },
      },
      acct,
    ).actor.name,
    '906a7a1c-id',
  );
  assert.deepEqual(awsActor({ type: 'IAMUser', userName: 'ci-user', arn: `arn:aws:iam::${acct}:user/ci-user` }, acct), {
    actor: { name: 'ci-user', email: `ci-user@${acct}.aws.invalid` },
  });
  assert.equal(awsActor({ type: 'Root', arn: `arn:aws:iam::${acct}:root` }, acct).actor.name, 'root');
  assert.equal(
    awsActor({ type: 'AWSService', invokedBy: 'autoscaling.amazonaws.com' }, acct).actor.name,
    'autoscaling.amazonaws.com',
  );
  assert.equal(
    awsActor({ type: 'FederatedUser', arn: `arn:aws:sts::${acct}:federated-user/x` }, acct).actor.name,
    `arn:aws:sts::${acct}:federated-user/x`,
  );
  assert.deepEqual(awsActor({}, acct).actor, UNRESOLVED_ACTOR);
});
