import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admissionReview } from '../../../test/helpers/intake-fixtures.ts';
import type { NormaliseResult } from '../../domain/change.ts';
import { admissionResponse, normaliseAdmissionReview, readAdmissionReview } from './normalise.ts';

const factsOf = (result: NormaliseResult) => (result.kind === 'rejected' ? undefined : result.facts);

const receivedAt = Date.parse('2026-03-02T10:00:00Z');

function review(body: unknown) {
  const read = readAdmissionReview(body);
  assert.ok(read.ok, JSON.stringify(read));
  return read.review;
}

test('an UPDATE becomes an attribution fact for the object, with the requesting user', () => {
  const result = normaliseAdmissionReview(review(admissionReview('rev-1')), { cluster: 'prod', receivedAt });
  assert.equal(result.kind, 'ignored', 'never state: admission runs before the write is persisted');
  assert.deepEqual(factsOf(result), [
    {
      cluster: 'prod',
      path: 'kubernetes/prod/namespaces/shop/apps/deployments/web.yaml',
      uid: 'deploy-uid',
      actor: { name: 'bob@example.com', email: 'bob@example.com' },
      verb: 'update',
      time: receivedAt,
      eventId: 'rev-1',
      trailers: [
        ['Source', 'kubernetes-admission'],
        ['Cluster', 'prod'],
        ['Event-ID', 'rev-1'],
        ['Verb', 'update'],
        ['Groups', 'devs, system:authenticated'],
      ],
    },
  ]);
});

test('dry runs, CONNECT and generated names give no fact; Namespaces are cluster-scoped', () => {
  const none = (body: Record<string, unknown>) =>
    factsOf(normaliseAdmissionReview(review(body), { cluster: 'prod', receivedAt }));
  assert.equal(none(admissionReview('a', { dryRun: true })), undefined);
  assert.equal(none(admissionReview('b', { operation: 'CONNECT' })), undefined);
  const generated = admissionReview('c', { operation: 'CREATE', name: '' });
  assert.equal(none(generated), undefined);
  const namespace = admissionReview('d', { operation: 'DELETE', name: 'shop' });
  Object.assign(namespace['request'] as object, {
    resource: { group: '', version: 'v1', resource: 'namespaces' },
    namespace: 'shop',
  });
  assert.equal(none(namespace)?.[0]?.path, 'kubernetes/prod/cluster/core/namespaces/shop.yaml');
});

test('the envelope must be an AdmissionReview with a request uid; the answer echoes apiVersion and uid', () => {
  assert.deepEqual(readAdmissionReview([]), { ok: false, reason: 'body is not a JSON object' });
  assert.deepEqual(readAdmissionReview({ kind: 'Pod' }), { ok: false, reason: 'kind "Pod" is not AdmissionReview' });
  assert.deepEqual(readAdmissionReview({ kind: 'AdmissionReview', apiVersion: 'v1' }), {
    ok: false,
    reason: 'apiVersion "v1" is not admission.k8s.io/v1',
  });
  assert.deepEqual(
    readAdmissionReview({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request: { uid: '' } }),
    { ok: false, reason: 'request.uid is missing' },
  );
  assert.deepEqual(admissionResponse({ apiVersion: 'admission.k8s.io/v1beta1', uid: 'u' }), {
    apiVersion: 'admission.k8s.io/v1beta1',
    kind: 'AdmissionReview',
    response: { uid: 'u', allowed: true },
  });
});
