import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
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

test('issue 10: an adversarial actor name takes linear time (a quadratic regex once held the event loop)', async () => {
  // 1.2 million characters each: a quadratic scan would take hours; a linear one, milliseconds.
  const names = [`a@${'a.'.repeat(600_000)}@`, `x${'.'.repeat(1_200_000)}x`, `${'-'.repeat(1_200_000)}@x`];
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.module).then(({ actorFromName }) => {
      for (const name of workerData.names) actorFromName(name, 'x.invalid');
      parentPort.postMessage('done');
    });`;
  const module = new URL('./identity.ts', import.meta.url).href;
  const worker = new Worker(code, { eval: true, workerData: { module, names } });
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve('still running after 30 s'), 30_000);
    }),
  ]);
  clearTimeout(timer);
  await worker.terminate();
  assert.equal(outcome, 'done');
});
