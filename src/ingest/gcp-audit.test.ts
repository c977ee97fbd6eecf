// `gitrail ingest` of Cloud Audit Logs exports (a Cloud Storage sink's NDJSON, `gcloud logging read
// --format=json`), run as the real CLI and checked with real git.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { allObjectsText, fsckStrict, git } from '../../test/helpers/git.ts';
import { gitrail } from '../../test/helpers/cli.ts';
import { tempDir } from '../../test/helpers/tmp.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../sources/gcp-audit/__fixtures__', name), 'utf8'));
const gke = JSON.parse(
  readFileSync(join(import.meta.dirname, '../sources/gke-audit/__fixtures__/deployment-create.entry.json'), 'utf8'),
);

/** Bob's binding removed again by alice, ten minutes after it was added. */
function revoke() {
  const entry = fixture('set-iam-policy.entry.json');
  entry.insertId = '-revoke1';
  entry.timestamp = '2026-03-02T10:25:00.000Z';
  entry.protoPayload.serviceData.policyDelta.bindingDeltas[0].action = 'REMOVE';
  entry.protoPayload.request.policy.bindings.pop();
  entry.protoPayload.response.bindings.shift();
  return entry;
}

test('gitrail ingest of Cloud Audit Logs: GCP resources by principalEmail, GKE entries as Kubernetes', (t) => {
  const dir = tempDir(t);
  const entries = [
    fixture('set-iam-policy.entry.json'),
    fixture('compute-instance-insert.entry.json'),
    revoke(),
    fixture('storage-bucket-create.entry.json'),
    fixture('failed-insert.entry.json'),
    fixture('data-access-read.entry.json'),
    fixture('compute-instance-delete.entry.json'),
  ];
  writeFileSync(join(dir, 'activity.ndjson'), `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`);
  // `gcloud logging read --format=json` prints an array; a GKE entry among them stays Kubernetes.
  writeFileSync(join(dir, 'gke.json'), JSON.stringify([gke], null, 2));
  const data = join(dir, 'data');
  const run = gitrail(['ingest', '--data', data, '--cluster', 'prod', '--json', join(dir, 'activity.ndjson')]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.deepEqual(JSON.parse(run.stdout), {
    read: 7,
    committed: 5,
    unchanged: 0,
    duplicates: 0,
    ignored: 1,
    rejected: 0,
    activity: 1,
  });
  const gkeRun = gitrail(['ingest', '--data', data, '--cluster', 'prod', '--json', join(dir, 'gke.json')]);
  assert.equal(gkeRun.status, 0, gkeRun.stderr);
  assert.equal(JSON.parse(gkeRun.stdout).committed, 1);

  const repo = join(data, 'repo.git');
  fsckStrict(repo);
  assert.deepEqual(git(repo, 'log', '--reverse', '--format=%an|%aI|%s', 'main').trim().split('\n'), [
    'alice@example.com|2026-03-02T10:15:04+00:00|SetIamPolicy projects/my-project',
    'deployer@my-project.iam.gserviceaccount.com|2026-03-02T10:20:00+00:00|v1.compute.instances.insert instances/vm-1',
    'alice@example.com|2026-03-02T10:25:00+00:00|SetIamPolicy projects/my-project',
    'alice@example.com|2026-03-02T10:30:00+00:00|storage.buckets.create buckets/shop-assets',
    'alice@example.com|2026-03-02T11:20:00+00:00|v1.compute.instances.delete instances/vm-1',
    'alice@example.com|2026-03-02T01:00:01+00:00|create apps/deployments shop/web',
  ]);
  assert.deepEqual(git(repo, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n'), [
    'gcp/my-project/europe-west1/storage/buckets/shop-assets.yaml',
    'gcp/my-project/global/cloudresourcemanager/projects/my-project.yaml',
    'kubernetes/prod/namespaces/shop/apps/deployments/web.yaml',
  ]);
  const policyFile = 'gcp/my-project/global/cloudresourcemanager/projects/my-project.yaml';
  const revoked = git(repo, 'log', '-1', '--format=%H', 'main', '--', policyFile).trim();
  assert.deepEqual(git(repo, 'log', '-1', '--format=%(trailers:only,unfold)', revoked).trim().split('\n'), [
    'Source: gcp-audit',
    'Project: my-project',
    'Location: global',
    'Event-ID: -revoke1',
    'Verb: SetIamPolicy',
    'Service: cloudresourcemanager.googleapis.com',
    'Source-IP: 203.0.113.10',
    'User-Agent: google-cloud-sdk gcloud/470.0.0 command/gcloud.projects.add-iam-policy-binding',
    'Attribution: exact',
  ]);
  // The policy diff shows the binding that went, and nothing of the binding that stayed.
  const diff = git(repo, 'show', '--format=', revoked, '--', policyFile);
  const removed = diff.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('---'));
  assert.ok(
    removed.some((line) => line.includes('user:bob@example.com')),
    diff,
  );
  assert.ok(
    removed.some((line) => line.includes('role: roles/storage.admin')),
    diff,
  );
  assert.ok(!diff.split('\n').some((line) => /^[-+].*(owner|alice)/.test(line)), diff);
  const insert = git(repo, 'log', '--format=%H', 'main', '--grep', 'instances.insert').trim();
  assert.match(git(repo, 'log', '-1', '--format=%(trailers:key=Delegated-By,valueonly)', insert), /carol@example\.com/);
  // The failed call is on activity, its request's secret hashed; no object holds the plaintext.
  const activity = git(repo, 'ls-tree', '-r', '--name-only', 'activity').trim().split('\n');
  assert.ok(activity.includes('activity/gcp/2026/03/02/10/5e4d3c2b1a09.yaml'), activity.join('\n'));
  assert.match(git(repo, 'log', '-1', '--format=%an %s', 'activity'), /^alice@example\.com .*\(INVALID_ARGUMENT\)/);
  assert.doesNotMatch(allObjectsText(repo), /not-a-real-field-but-must-be-hashed/);

  // The same export again writes nothing.
  const again = gitrail(['ingest', '--data', data, '--cluster', 'prod', '--json', join(dir, 'activity.ndjson')]);
  assert.equal(JSON.parse(again.stdout).committed, 0);
});
