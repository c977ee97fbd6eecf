// Who a listed object is attributed to when only managedFields name someone: real managedFields
// from the public corpus (objects read from clusters), never a status or subresource writer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import type { Doc } from '../../domain/change.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { CORPUS } from '../../../test/helpers/corpus.ts';
import { documentWriters } from './field-managers.ts';
import { normaliseObjectSnapshot, readObjectSnapshot } from './normalise.ts';

const redact = createRedactor(Buffer.alloc(32, 3));

function corpusObject(file: string): Doc {
  return yaml.load(readFileSync(join(CORPUS, 'k8s-objects', file), 'utf8')) as Doc;
}

function authorOf(object: Doc): { name: string; attribution: string | undefined; fieldManager: string | undefined } {
  const result = normaliseObjectSnapshot(object, {
    cluster: 'prod',
    redact,
    source: 'kubernetes-watch',
    observedAt: 0,
  });
  assert.equal(result.kind, 'changes');
  const record = result.kind === 'changes' ? result.changes[0] : undefined;
  const trailer = (key: string) => record?.trailers.find(([name]) => name === key)?.[1];
  return {
    name: record?.author.name ?? '',
    attribution: trailer('Attribution'),
    fieldManager: trailer('Field-Manager'),
  };
}

test('a Deployment whose newest managedFields entry is the status subresource is authored by who applied it', () => {
  // argocd-controller applied it; kube-controller-manager wrote status (and the revision) five days later.
  assert.deepEqual(authorOf(corpusObject('gitops-engine__pkg_diff_testdata_smd-deploy-live.yaml')), {
    name: 'argocd-controller',
    attribution: 'field-manager',
    fieldManager: 'argocd-controller (Apply)',
  });
  // kubectl apply after Argo CD; the controller's status write ten seconds later does not count.
  assert.deepEqual(authorOf(corpusObject('gitops-engine__pkg_diff_testdata_ssd-deploy-with-manual-apply-live.yaml')), {
    name: 'kubectl-client-side-apply',
    attribution: 'field-manager',
    fieldManager: 'kubectl-client-side-apply (Update)',
  });
});

test('without a subresource field (older clusters), a manager counts only for fields the file holds', () => {
  // revision-history-manager owns spec.revisionHistoryLimit and wrote last.
  const object = corpusObject('argo-cd__util_argo_testdata_live_deployment_with_managed_replica.yaml');
  assert.equal(authorOf(object).name, 'revision-history-manager');

  // A status-only writer, however recent, is never the author: the file holds no status.
  const metadata = object['metadata'] as Record<string, unknown>;
  const statusOnly = {
    manager: 'kube-controller-manager',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2030-01-01T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:replicas': {}, 'f:conditions': { '.': {}, 'k:{"type":"Available"}': {} } } },
  };
  // Neither is one whose fields are all noise the file drops (last-applied-configuration).
  const lastApplied = {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2030-01-02T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } } },
  };
  const managed = metadata['managedFields'] as unknown[];
  const changed = { ...object, metadata: { ...metadata, managedFields: [...managed, statusOnly, lastApplied] } };
  assert.equal(authorOf(changed).name, 'revision-history-manager');
});

test('list items by key, subresources and same-second ties: a manager owns what the document still holds', () => {
  const object: Doc = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
  };
  const entry = (manager: string, fieldsV1: unknown, subresource?: string) => ({
    manager,
    operation: 'Update',
    time: '2026-01-01T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1,
    ...(subresource ? { subresource } : {}),
  });
  const writers = (entries: unknown[]) => {
    const withFields = { ...object, metadata: { ...(object['metadata'] as object), managedFields: entries } };
    const snapshot = readObjectSnapshot(withFields, { cluster: 'prod', redact });
    assert.ok(!('rejected' in snapshot));
    return documentWriters(withFields, snapshot.doc).author?.manager ?? null;
  };
  const container = (name: string) => ({
    'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { [`k:{"name":"${name}"}`]: { 'f:image': {} } } } } },
  });
  assert.equal(writers([entry('kubectl-set', container('web'))]), 'kubectl-set');
  assert.equal(writers([entry('sidecar-injector', container('istio-proxy'))]), null, 'a container the file lacks');
  assert.equal(writers([entry('hpa', { 'f:spec': { 'f:replicas': {} } }, 'scale')]), null, 'the scale subresource');
  assert.equal(writers([entry('a', container('web')), { ...entry('b', container('web')) }]), null, 'a tie');
});
