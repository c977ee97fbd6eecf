// `gitrail ingest` of AKS audit logs (diagnostic settings `kube-audit`/`kube-audit-admin`, issue 13): a storage
// account's PT1H.json blob (one record per line) and an Event Hub message (`{"records":[…]}`) write the same
// commits as the same events ingested as a plain audit log; poison records are reported by file and line.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../../test/helpers/cli.ts';
import { allObjectsText, fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { classify } from './records.ts';

const fixture = (path: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', path), 'utf8'));
const auditEvent = (name: string) => fixture(`formats/kubernetes-audit/__fixtures__/${name}.event.json`);
const aksRecord = fixture('sources/aks-audit/__fixtures__/deployment-create.record.json');
const otherCategory = fixture('sources/aks-audit/__fixtures__/kube-apiserver.record.json');

const record = (event: Record<string, unknown>, overrides: Record<string, unknown> = {}) => ({
  ...aksRecord,
  time: event['stageTimestamp'],
  properties: { ...aksRecord.properties, log: `${JSON.stringify(event)}\n` },
  ...overrides,
});

// Each commit as a user sees it: author, date, whole message (subject and trailers), and the tree it leaves.
const history = (repo: string) =>
  git(repo, 'log', '--reverse', '--format=%an <%ae>|%aI|%T|%B%x00', 'main')
    .split('\0')
    .map((entry) => entry.trim());

test('a PT1H.json blob and an Event Hub message commit as the webhook would; poison records refused by line', (t) => {
  const dir = tempDir(t);
  const names = ['deployment-create', 'deployment-patch', 'secret-update', 'pod-exec', 'deployment-delete'];
  const [create, patch, secret, exec, remove] = names.map(auditEvent);
  const blob = join(dir, 'PT1H.json');
  writeFileSync(
    blob,
    [
      record(create),
      otherCategory,
      record(patch),
      record(secret, { category: 'kube-audit' }),
      record(create, { properties: { ...aksRecord.properties, log: '{"kind":"Event","auditID":' } }),
    ]
      .map((line) => JSON.stringify(line))
      .join('\n'),
  );
  const message = join(dir, 'eventhub-message.json');
  const otherCluster =
    '/SUBSCRIPTIONS/0/RESOURCEGROUPS/RG-STAGING/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/STAGING';
  writeFileSync(
    message,
    JSON.stringify({ records: [record(exec), record(patch, { resourceId: otherCluster }), record(remove)] }, null, 2),
  );
  const data = join(dir, 'aks');
  const run = gitrail(['ingest', '--data', data, '--cluster', 'prod', '--json', blob, message]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stderr.trim().split('\n'), [
    `${blob}:5: kube-audit-admin record of 2026-03-02T01:00:01.123457Z: properties.log is not JSON ` +
      '(Unexpected end of JSON input)',
    `${message}:1: records[1]: kube-audit-admin record of 2026-03-02T01:05:01.123458Z: resourceId names cluster ` +
      "STAGING, not the cluster named in paths (prod); ingest each cluster's records with --cluster <name>",
  ]);
  assert.deepEqual(JSON.parse(run.stdout), {
    read: 8,
    committed: 4,
    unchanged: 0,
    duplicates: 0,
    ignored: 1,
    rejected: 2,
    activity: 1,
  });

  // The same events as a plain audit log (what the webhook's backend writes).
  const plain = join(dir, 'audit.log');
  writeFileSync(plain, [create, patch, secret, exec, remove].map((event) => JSON.stringify(event)).join('\n'));
  const reference = join(dir, 'webhook');
  // The same redaction key, so the Secret's hashed values are the same bytes.
  mkdirSync(join(reference, 'keys'), { recursive: true, mode: 0o700 });
  copyFileSync(join(data, 'keys', 'redaction.key'), join(reference, 'keys', 'redaction.key'));
  const plainRun = gitrail(['ingest', '--data', reference, '--cluster', 'prod', '--json', plain]);
  assert.equal(plainRun.status, 0, plainRun.stderr);

  const repo = join(data, 'repo.git');
  assert.deepEqual(history(repo), history(join(reference, 'repo.git')));
  assert.deepEqual(git(repo, 'log', '--format=%an|%s', 'main').trim().split('\n'), [
    'carol@example.com|delete apps/deployments shop/web',
    'erin@example.com|update secrets shop/db-credentials',
    'bob@example.com|patch apps/deployments shop/web',
    'alice@example.com|create apps/deployments shop/web',
  ]);
  assert.match(git(repo, 'log', '-1', '--skip=1', '--format=%B', 'main'), /^Cluster: prod$/m);
  // The Secret went through the same redaction: its value is in no git object.
  assert.doesNotMatch(allObjectsText(repo), /Rotated-S3cret|Um90YXRlZC1TM2NyZXQjMjAyNg/);
  assert.doesNotMatch(git(repo, 'log', '--format=%B', 'main'), /PROD|STAGING|kube-apiserver-/);
  fsckStrict(repo);
});

test('AKS `records` (lower case) are AKS; CloudTrail `Records` (upper case) stay CloudTrail', () => {
  const formats = (value: unknown) =>
    [...classify(value, 1)].map((item) => ('format' in item ? `${item.format} ${item.where}` : item.error));
  assert.deepEqual(formats({ records: [aksRecord, otherCategory] }), ['aks-audit records[0]', 'aks-audit records[1]']);
  assert.deepEqual(formats(aksRecord), ['aks-audit ']);
  const trail = { eventID: 'e', eventTime: '2026-03-02T01:00:00Z', eventSource: 'iam.amazonaws.com', eventName: 'X' };
  assert.deepEqual(formats({ Records: [trail] }), ['cloudtrail #0']);
  // Another Azure resource's records are not taken for AKS ones.
  const keyVault = {
    ...aksRecord,
    resourceId: '/SUBSCRIPTIONS/0/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV',
  };
  assert.deepEqual(formats({ records: [keyVault] }), [
    'not an audit event, CloudTrail record, generic event or Kubernetes object',
  ]);
});
