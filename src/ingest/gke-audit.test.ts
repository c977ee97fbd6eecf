import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRedactor, DEFAULT_SENSITIVE_KEY_SET } from '../normalise/redact.ts';
import { normaliseInput } from './normalise-input.ts';
import { classify } from './records.ts';

const entry = JSON.parse(
  readFileSync(join(import.meta.dirname, '../sources/gke-audit/__fixtures__/deployment-create.entry.json'), 'utf8'),
);
const context = {
  cluster: 'prod',
  genericSource: 'custom',
  redact: createRedactor(Buffer.alloc(32, 7)),
  sensitiveKeys: DEFAULT_SENSITIVE_KEY_SET,
  now: () => 0,
};

test(
  'gcloud logging read --format=json output: k8s.io entries commit with principalEmail, ' + 'others are GCP audit',
  () => {
    const other = {
      protoPayload: { serviceName: 'compute.googleapis.com', methodName: 'v1.compute.instances.insert' },
    };
    const records = [...classify([entry, other], 1)];
    assert.deepEqual(
      records.map((record) => ('format' in record ? record.format : record.error)),
      ['gke-audit', 'gcp-audit'],
    );
    const results = records.map((record) =>
      'format' in record ? normaliseInput(record.format, record.value, context) : undefined,
    );
    assert.equal(results[0]?.kind, 'changes');
    assert.equal(results[0]?.kind === 'changes' && results[0].changes[0]?.author.name, 'alice@example.com');
    assert.equal(
      results[0]?.kind === 'changes' && results[0].changes[0]?.path,
      'kubernetes/prod/namespaces/shop/apps/deployments/web.yaml',
    );
    // Recorded by the GCP normaliser (src/ingest/gcp-audit.test.ts); this one names no project.
    assert.equal(results[1]?.kind, 'rejected');
  },
);

test('a k8s.io entry without methodName is rejected with the reason', () => {
  const broken = { ...entry, protoPayload: { ...entry.protoPayload, methodName: undefined } };
  const result = normaliseInput('gke-audit', broken, context);
  assert.deepEqual(result, { kind: 'rejected', reason: 'protoPayload.methodName is missing' });
});

test("another cluster's entry is refused with the reason, never written under the --cluster name", () => {
  const result = normaliseInput('gke-audit', entry, { ...context, cluster: 'default' });
  assert.deepEqual(result, {
    kind: 'rejected',
    reason:
      'resource.labels.cluster_name prod is not the cluster named in paths (default); ' +
      "ingest each cluster's entries with --cluster <name>",
  });
});
