import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awsActor } from '../../normalise/identity.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { normaliseAuditEvent } from '../../formats/kubernetes-audit/normalise.ts';
import { eksActor, withIamAuthor } from './identity.ts';
import { eksEvent, SSO_ARN } from './__fixtures__/eks-event.ts';
import { parseAuditMessage } from './log-event.ts';

const redact = createRedactor(Buffer.alloc(32, 7));

test('the author of an EKS change is the IAM person CloudTrail names, not kubernetes-admin', () => {
  const event = eksEvent();
  const viaCloudTrail = awsActor(
    {
      type: 'AssumedRole',
      arn: SSO_ARN,
      accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', userName: 'AWSReservedSSO_Admin_0123456789abcdef' } },
    },
    '111122223333',
  );
  assert.deepEqual(eksActor(event)?.actor, viaCloudTrail.actor);
  assert.equal(viaCloudTrail.actor.name, 'alice@example.com');

  const webhook = normaliseAuditEvent(event, { cluster: 'prod', redact });
  const eks = withIamAuthor(webhook, event);
  assert.equal(webhook.kind, 'changes');
  assert.equal(eks.kind, 'changes');
  if (webhook.kind !== 'changes' || eks.kind !== 'changes') return;
  assert.equal(webhook.changes[0]?.author.name, 'kubernetes-admin');
  assert.equal(eks.changes[0]?.author.name, 'alice@example.com');
  // Same paths, documents and trailers as the webhook: only the author differs.
  assert.deepEqual(
    eks.changes.map(({ author: _a, ...rest }) => rest),
    webhook.changes.map(({ author: _a, ...rest }) => rest),
  );
});

test('an IAM user is named by its user name; an event without IAM extra keeps the Kubernetes user', () => {
  const event = eksEvent();
  (event['user'] as Record<string, unknown>)['extra'] = { arn: ['arn:aws:iam::111122223333:user/bob'] };
  assert.equal(eksActor(event)?.actor.name, 'bob');
  const plain = { ...eksEvent(), user: { username: 'system:serviceaccount:kube-system:replicaset-controller' } };
  assert.equal(eksActor(plain), undefined);
  const result = withIamAuthor(normaliseAuditEvent(plain, { cluster: 'prod', redact }), plain);
  assert.equal(result.kind === 'changes' && result.changes[0]?.author.name, plain.user.username);
});

test('truncated, non-JSON and empty messages are refused with the record named', () => {
  const cut = `${JSON.stringify(eksEvent()).slice(0, 200)}[Truncated...]`;
  assert.deepEqual(parseAuditMessage(cut, 'kube-apiserver-audit-1#42'), {
    kind: 'refused',
    reason: 'kube-apiserver-audit-1#42: audit event was truncated by CloudWatch Logs (over 256 KiB)',
  });
  const bad = parseAuditMessage('{nope', 's#1');
  assert.equal(bad.kind, 'refused');
  assert.match(bad.kind === 'refused' ? bad.reason : '', /^s#1: message is not JSON/);
  assert.equal(parseAuditMessage('', 's#2').kind, 'refused');
  assert.equal(parseAuditMessage('[1]', 's#3').kind, 'refused');
  assert.equal(parseAuditMessage(JSON.stringify(eksEvent()), 's#4').kind, 'event');
});
