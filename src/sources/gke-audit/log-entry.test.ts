import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRedactor } from '../../normalise/redact.ts';
import { normaliseAuditEvent } from '../../formats/kubernetes-audit/normalise.ts';
import { gkeEntryToAuditEvent, parseResourceName } from './log-entry.ts';

const read = (path: string) => JSON.parse(readFileSync(join(import.meta.dirname, path), 'utf8'));
const options = { cluster: 'prod', redact: createRedactor(Buffer.alloc(32, 7)) };

test('golden: a GKE LogEntry writes the same document and author as the webhook event', () => {
  const parsed = gkeEntryToAuditEvent(read('__fixtures__/deployment-create.entry.json'));
  assert.equal(parsed.kind, 'event');
  if (parsed.kind !== 'event') return;
  assert.equal(parsed.cluster, 'prod');
  const viaGke = normaliseAuditEvent(parsed.event, options);
  const viaWebhook = normaliseAuditEvent(
    read('../../formats/kubernetes-audit/__fixtures__/deployment-create.event.json'),
    options,
  );
  assert.equal(viaGke.kind, 'changes');
  assert.equal(viaWebhook.kind, 'changes');
  if (viaGke.kind !== 'changes' || viaWebhook.kind !== 'changes') return;
  const gke = viaGke.changes[0];
  const hook = viaWebhook.changes[0];
  assert.equal(gke?.path, hook?.path);
  assert.deepEqual(gke?.update, hook?.update);
  assert.deepEqual(gke?.author, hook?.author);
  assert.deepEqual(gke?.subject, hook?.subject);
  assert.equal(gke?.eventId, hook?.eventId);
  assert.equal(gke?.author.name, 'alice@example.com');
});

test('entries of other services are skipped, broken k8s.io entries are invalid with a reason', () => {
  assert.equal(gkeEntryToAuditEvent({ protoPayload: { serviceName: 'compute.googleapis.com' } }).kind, 'skipped');
  assert.equal(gkeEntryToAuditEvent({ textPayload: 'hello' }).kind, 'skipped');
  const broken = gkeEntryToAuditEvent({ protoPayload: { serviceName: 'k8s.io', resourceName: 'apps/v1/x/y' } });
  assert.deepEqual(broken, { kind: 'invalid', reason: 'protoPayload.methodName is missing' });
});

test('denied requests map gRPC PERMISSION_DENIED to 403 and service accounts stay the author', () => {
  const entry = read('__fixtures__/deployment-create.entry.json');
  entry.protoPayload.status = { code: 7, message: 'forbidden' };
  entry.protoPayload.authenticationInfo.principalEmail = 'system:serviceaccount:ci:deployer';
  const parsed = gkeEntryToAuditEvent(entry);
  assert.equal(parsed.kind === 'event' && (parsed.event['responseStatus'] as { code: number }).code, 403);
  assert.deepEqual(parsed.kind === 'event' && parsed.event['user'], { username: 'system:serviceaccount:ci:deployer' });
});

test('an entry without a principal gets no invented author: the attribution is unresolved', () => {
  const entry = read('__fixtures__/deployment-create.entry.json');
  entry.protoPayload.authenticationInfo = {};
  const parsed = gkeEntryToAuditEvent(entry);
  assert.equal(parsed.kind, 'event');
  const result = parsed.kind === 'event' ? normaliseAuditEvent(parsed.event, options) : undefined;
  assert.equal(result?.kind, 'changes');
  assert.equal(result?.kind === 'changes' && result.changes[0]?.author.name, 'unknown (attribution unresolved)');
});

test('resource names: core subresources and cluster-scoped objects', () => {
  assert.deepEqual(parseResourceName('core/v1/namespaces/shop/pods/web-1/exec', 'exec'), {
    group: 'core',
    version: 'v1',
    namespace: 'shop',
    resource: 'pods',
    name: 'web-1',
    subresource: 'exec',
  });
  assert.equal(parseResourceName('core/v1/namespaces/shop', 'namespaces')?.name, 'shop');
  assert.equal(
    parseResourceName('rbac.authorization.k8s.io/v1/clusterroles/view', 'clusterroles')?.namespace,
    undefined,
  );
});
