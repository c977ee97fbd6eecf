import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { normaliseAuditEvent } from '../../formats/kubernetes-audit/normalise.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { clusterOfResourceId, isAksDiagnosticRecord, parseDiagnosticRecord, TOO_BIG } from './diagnostic-record.ts';

const read = (path: string) => JSON.parse(readFileSync(join(import.meta.dirname, path), 'utf8'));
const record = () => read('__fixtures__/deployment-create.record.json');
const withLog = (log: unknown) => ({ ...record(), properties: { ...record().properties, log } });
const webhookEvent = () => read('../../formats/kubernetes-audit/__fixtures__/deployment-create.event.json');
const options = { cluster: 'prod', redact: createRedactor(Buffer.alloc(32, 7)) };
const NAME = 'kube-audit-admin record of 2026-03-02T01:00:01.1234570Z';

test('golden: an AKS kube-audit-admin record writes the same document and author as the webhook event', () => {
  const parsed = parseDiagnosticRecord(record(), { cluster: 'prod' });
  assert.equal(parsed.kind, 'event');
  if (parsed.kind !== 'event') return;
  assert.equal(parsed.cluster, 'PROD');
  assert.deepEqual(parsed.event, webhookEvent());
  const viaAks = normaliseAuditEvent(parsed.event, options);
  const viaWebhook = normaliseAuditEvent(webhookEvent(), options);
  assert.deepEqual(viaAks, viaWebhook);
  assert.equal(viaAks.kind === 'changes' && viaAks.changes[0]?.author.name, 'alice@example.com');
});

test('records of other categories (klog lines of kube-apiserver) are skipped, not refused', () => {
  const parsed = parseDiagnosticRecord(read('__fixtures__/kube-apiserver.record.json'), { cluster: 'prod' });
  assert.deepEqual(parsed, {
    kind: 'skipped',
    reason: 'category kube-apiserver is not kube-audit or kube-audit-admin',
  });
});

test('the cluster in the upper-cased resourceId matches --cluster without regard to case; another is refused', () => {
  assert.equal(parseDiagnosticRecord(record(), { cluster: 'Prod' }).kind, 'event');
  assert.deepEqual(parseDiagnosticRecord(record(), { cluster: 'staging' }), {
    kind: 'refused',
    reason:
      `${NAME}: resourceId names cluster PROD, not the cluster named in paths (staging); ` +
      "ingest each cluster's records with --cluster <name>",
  });
  assert.equal(
    clusterOfResourceId(
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1',
    ),
    'aks-1',
  );
  assert.equal(clusterOfResourceId('/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.WEB/SITES/X'), undefined);
  assert.equal(isAksDiagnosticRecord(record()), true);
  assert.equal(isAksDiagnosticRecord({ Records: [] }), false);
});

test('poison records are refused with a reason naming the record', () => {
  const reasons = [
    withLog('{"kind":"Event","auditID":"5e1c'),
    withLog('{"kind":"Event"}'),
    withLog(undefined),
    withLog(` ${TOO_BIG}\n`),
    { ...record(), resourceId: '/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.WEB/SITES/X' },
    'not an object',
  ].map((input) => {
    const parsed = parseDiagnosticRecord(input, { cluster: 'prod' });
    return parsed.kind === 'refused' ? parsed.reason : parsed.kind;
  });
  assert.match(reasons[0] ?? '', new RegExp(`^${NAME}: properties\\.log is not JSON \\(`));
  assert.deepEqual(reasons.slice(1), [
    `${NAME}: properties.log is not an audit.k8s.io Event (no auditID)`,
    `${NAME}: properties.log is missing`,
    `${NAME}: AKS dropped this audit event as too big to export (log is "skipped-too-big-size-object")`,
    `${NAME}: resourceId /SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.WEB/SITES/X ` +
      'is not an AKS managed cluster',
    'a diagnostic record must be a JSON object',
  ]);
});

test('a body dropped as too big leaves a Metadata-level event: attributed, but no state is invented', () => {
  const event = { ...webhookEvent(), requestObject: TOO_BIG, responseObject: TOO_BIG };
  const parsed = parseDiagnosticRecord(withLog(JSON.stringify(event)), { cluster: 'prod' });
  assert.equal(parsed.kind, 'event');
  if (parsed.kind !== 'event') return;
  assert.equal(parsed.event['level'], 'Metadata');
  assert.equal('requestObject' in parsed.event || 'responseObject' in parsed.event, false);
  const result = normaliseAuditEvent(parsed.event, options);
  assert.equal(result.kind, 'ignored');
  assert.equal(result.kind === 'ignored' && result.reason, 'no object in a Metadata-level create');
  assert.equal(result.kind === 'ignored' && result.facts?.[0]?.actor.name, 'alice@example.com');
});

test('a response dropped as too big keeps the request body, as a Request-level webhook event would', () => {
  const event = { ...webhookEvent(), responseObject: TOO_BIG };
  const parsed = parseDiagnosticRecord(withLog(JSON.stringify(event)), { cluster: 'prod' });
  assert.equal(parsed.kind === 'event' && parsed.event['level'], 'Request');
  const result = parsed.kind === 'event' ? normaliseAuditEvent(parsed.event, options) : undefined;
  assert.equal(result?.kind, 'changes');
  assert.equal(
    result?.kind === 'changes' && result.changes[0]?.path,
    'kubernetes/prod/namespaces/shop/apps/deployments/web.yaml',
  );
});
