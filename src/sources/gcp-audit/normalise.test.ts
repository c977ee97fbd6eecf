import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeRecord, Doc, NormaliseResult } from '../../domain/change.ts';
import { applyUpdate } from '../../normalise/apply-update.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { normaliseGcpAuditEntry } from './normalise.ts';

const read = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'));
const options = { redact: createRedactor(Buffer.alloc(32, 7)) };

function only(result: NormaliseResult): ChangeRecord {
  assert.equal(result.kind, 'changes', JSON.stringify(result));
  const changes = result.kind === 'changes' ? result.changes : [];
  assert.equal(changes.length, 1);
  return changes[0] as ChangeRecord;
}

const trailer = (change: ChangeRecord, key: string) => change.trailers.find(([k]) => k === key)?.[1];
const applied = (change: ChangeRecord, prev: Doc | null = null) => applyUpdate(prev, change.update) as Doc;

test('SetIamPolicy on a project: the policy as YAML structure, bindings in a stable order, by principalEmail', () => {
  const change = only(normaliseGcpAuditEntry(read('set-iam-policy.entry.json'), options));
  assert.equal(change.path, 'gcp/my-project/global/cloudresourcemanager/projects/my-project.yaml');
  assert.equal(change.branch, 'main');
  assert.deepEqual(change.author, { name: 'alice@example.com', email: 'alice@example.com' });
  assert.equal(change.time, Date.parse('2026-03-02T10:15:04.113Z'));
  assert.equal(change.subject, 'SetIamPolicy projects/my-project');
  assert.deepEqual(change.trailers, [
    ['Source', 'gcp-audit'],
    ['Project', 'my-project'],
    ['Location', 'global'],
    ['Event-ID', '-x7bd2ke1b4wq'],
    ['Verb', 'SetIamPolicy'],
    ['Service', 'cloudresourcemanager.googleapis.com'],
    ['Source-IP', '203.0.113.10'],
    ['User-Agent', 'google-cloud-sdk gcloud/470.0.0 command/gcloud.projects.add-iam-policy-binding'],
    ['Attribution', 'exact'],
  ]);
  const doc = applied(change);
  assert.deepEqual(doc['iamPolicy'], {
    bindings: [
      { role: 'roles/owner', members: ['user:alice@example.com'] },
      { role: 'roles/storage.admin', members: ['user:bob@example.com'] },
    ],
  });
  assert.deepEqual(doc['calls'], {
    SetIamPolicy: {
      eventId: '-x7bd2ke1b4wq',
      timestamp: '2026-03-02T10:15:04.113Z',
      policyDelta: { bindingDeltas: [{ action: 'ADD', role: 'roles/storage.admin', member: 'user:bob@example.com' }] },
    },
  });
  // A later SetIamPolicy replaces the policy and keeps the rest of the file.
  const next = read('set-iam-policy.entry.json');
  next.insertId = 'second';
  next.protoPayload.response.bindings.pop();
  const after = applied(only(normaliseGcpAuditEntry(next, options)), { ...doc, other: 'kept' });
  assert.deepEqual(after['iamPolicy'], {
    bindings: [{ role: 'roles/storage.admin', members: ['user:bob@example.com'] }],
  });
  assert.equal(after['other'], 'kept');
});

test('compute instances.insert then delete: the instance file, written by the service account, then removed', () => {
  const insert = only(normaliseGcpAuditEntry(read('compute-instance-insert.entry.json'), options));
  assert.equal(insert.path, 'gcp/my-project/us-central1-a/compute/instances/vm-1.yaml');
  assert.equal(insert.author.name, 'deployer@my-project.iam.gserviceaccount.com');
  assert.equal(trailer(insert, 'Delegated-By'), 'carol@example.com');
  assert.equal(trailer(insert, 'Event-ID'), '1a2b3c4d5e6f');
  assert.equal(trailer(insert, 'Operation-ID'), 'operation-1772446800100-5f0e-insert');
  assert.equal(trailer(insert, 'Verb'), 'v1.compute.instances.insert');
  const doc = applied(insert);
  assert.equal(doc['resourceName'], 'projects/my-project/zones/us-central1-a/instances/vm-1');
  const call = (doc['calls'] as Record<string, Record<string, Record<string, unknown>>>)['v1.compute.instances.insert'];
  assert.equal(call?.['request']?.['machineType'], 'zones/us-central1-a/machineTypes/e2-medium');
  assert.equal(call?.['request']?.['@type'], undefined);
  const remove = only(normaliseGcpAuditEntry(read('compute-instance-delete.entry.json'), options));
  assert.equal(remove.path, insert.path);
  assert.deepEqual(remove.update, { kind: 'delete' });
  assert.equal(remove.author.name, 'alice@example.com');
  // The completion entry of the same operation (operation.last) adds nothing.
  const last = read('compute-instance-insert.entry.json');
  last.insertId = 'last';
  last.operation = { id: last.operation.id, producer: 'compute.googleapis.com', last: true };
  delete last.protoPayload.request;
  delete last.protoPayload.response;
  assert.equal(normaliseGcpAuditEntry(last, options).kind, 'ignored');
});

test('methods that delete something else on a resource do not delete it', () => {
  const entry = read('compute-instance-insert.entry.json');
  entry.protoPayload.methodName = 'v1.compute.instances.deleteAccessConfig';
  assert.equal(only(normaliseGcpAuditEntry(entry, options)).update.kind, 'set-fields');
  entry.protoPayload.methodName = 'google.iam.admin.v1.DeleteServiceAccount';
  entry.protoPayload.resourceName = 'projects/my-project/serviceAccounts/ci@my-project.iam.gserviceaccount.com';
  assert.equal(only(normaliseGcpAuditEntry(entry, options)).update.kind, 'delete');
});

test('storage buckets.create: projects/_ is dropped, the location comes from the labels', () => {
  const change = only(normaliseGcpAuditEntry(read('storage-bucket-create.entry.json'), options));
  assert.equal(change.path, 'gcp/my-project/europe-west1/storage/buckets/shop-assets.yaml');
  const doc = applied(change);
  const call = (doc['calls'] as Record<string, Record<string, unknown>>)['storage.buckets.create'];
  assert.deepEqual(call?.['request'], {
    defaultObjectAcl: {
      bindings: [{ role: 'roles/storage.legacyObjectReader', members: ['projectViewer:my-project'] }],
    },
  });
  assert.ok(call?.['policyDelta']);
});

test('a failed call changes no file: the redacted entry goes to activity', () => {
  const change = only(normaliseGcpAuditEntry(read('failed-insert.entry.json'), options));
  assert.equal(change.branch, 'activity');
  assert.equal(change.path, 'activity/gcp/2026/03/02/10/5e4d3c2b1a09.yaml');
  assert.equal(
    change.subject,
    'v1.compute.instances.insert projects/my-project/zones/us-central1-a/instances/vm-2 (INVALID_ARGUMENT)',
  );
  assert.equal(trailer(change, 'Activity'), 'failed');
  assert.equal(trailer(change, 'Error-Code'), 'INVALID_ARGUMENT');
  const doc = applied(change);
  const request = (doc['protoPayload'] as Record<string, Record<string, unknown>>)['request'];
  assert.match(String(request?.['password']), /^hmac-sha256:[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(doc).includes('not-a-real-field-but-must-be-hashed'));
  const denied = read('failed-insert.entry.json');
  denied.protoPayload.status = { code: 7, message: 'Required permission compute.instances.create' };
  assert.equal(trailer(only(normaliseGcpAuditEntry(denied, options)), 'Activity'), 'denied');
});

test('reads are ignored: a Data Access entry, and a get in any log', () => {
  const result = normaliseGcpAuditEntry(read('data-access-read.entry.json'), options);
  assert.deepEqual(result, { kind: 'ignored', reason: 'Data Access audit log entry v1.compute.instances.get' });
  const entry = read('data-access-read.entry.json');
  entry.logName = 'projects/my-project/logs/cloudaudit.googleapis.com%2Factivity';
  entry.protoPayload.authorizationInfo = [];
  assert.equal(normaliseGcpAuditEntry(entry, options).kind, 'ignored');
});

test('no principal: the attribution is unresolved, never an invented name; secrets are hashed in state too', () => {
  const entry = read('compute-instance-insert.entry.json');
  entry.protoPayload.authenticationInfo = {};
  entry.protoPayload.request.password = 'hunter2';
  const change = only(normaliseGcpAuditEntry(entry, { ...options, sensitiveKeys: new Set(['password']) }));
  assert.equal(change.author.name, 'unknown (attribution unresolved)');
  assert.equal(trailer(change, 'Attribution'), 'unresolved');
  assert.ok(!JSON.stringify(applied(change)).includes('hunter2'));
});

test('broken and foreign entries: clear reasons', () => {
  const entry = read('set-iam-policy.entry.json');
  assert.deepEqual(normaliseGcpAuditEntry({ ...entry, protoPayload: { serviceName: 'k8s.io' } }, options), {
    kind: 'ignored',
    reason: 'serviceName k8s.io is GKE audit (recorded as Kubernetes)',
  });
  const noMethod = { ...entry, protoPayload: { ...entry.protoPayload, methodName: undefined } };
  assert.deepEqual(normaliseGcpAuditEntry(noMethod, options), {
    kind: 'rejected',
    reason: 'protoPayload.methodName is missing',
  });
  const org = { ...entry, resource: { type: 'organization', labels: {} }, logName: 'organizations/1/logs/x' };
  assert.equal(normaliseGcpAuditEntry(org, options).kind, 'rejected');
  assert.equal(normaliseGcpAuditEntry({ ...entry, timestamp: 'yesterday' }, options).kind, 'rejected');
  assert.equal(normaliseGcpAuditEntry([], options).kind, 'rejected');
  const requestLog = {
    ...entry,
    protoPayload: { '@type': 'type.googleapis.com/google.appengine.logging.v1.RequestLog' },
  };
  assert.deepEqual(normaliseGcpAuditEntry(requestLog, options), {
    kind: 'ignored',
    reason:
      'protoPayload is a type.googleapis.com/google.appengine.logging.v1.RequestLog, not a Cloud Audit Logs AuditLog',
  });
});
