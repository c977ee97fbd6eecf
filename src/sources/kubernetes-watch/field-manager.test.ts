// Field-manager attribution as the watch source sees it through @kubernetes/client-node: a
// Deployment read from a real cluster (corpus managedFields) is authored by who applied it,
// never by kube-controller-manager, which only wrote its status; status writes are no change.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { CORPUS } from '../../../test/helpers/corpus.ts';
import { startFake, trailer, watchSource } from '../../../test/helpers/kube-fixtures.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import type { KubeObject } from '../../../test/fakes/kube-apiserver.ts';

function corpusDeployment(): KubeObject {
  const file = join(CORPUS, 'k8s-objects', 'gitops-engine__pkg_diff_testdata_smd-deploy-live.yaml');
  const object = yaml.load(readFileSync(file, 'utf8')) as KubeObject;
  // The fake gives it a uid and resourceVersion of its own; managedFields stay as the cluster wrote them.
  const { uid: _uid, resourceVersion: _rv, ...metadata } = object.metadata;
  return { ...object, metadata };
}

test('a watched Deployment is authored by the manager of its recorded fields, never by a status writer', async (t) => {
  const fake = await startFake(t);
  const created = fake.create(corpusDeployment(), null);
  const { namespace, name } = created.metadata as { namespace: string; name: string };
  const managers = (created.metadata['managedFields'] as Array<Record<string, unknown>>).map((e) => e['manager']);
  assert.deepEqual(managers, ['argocd-controller', 'kube-controller-manager'], 'the corpus shape is served as is');
  const harness = await openHarness(t);
  const source = watchSource(fake, { resources: { include: ['apps/deployments'] }, events: { enabled: false } });
  const stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();
  const [listed] = harness.commits;
  assert.equal(listed?.authorName, 'argocd-controller');
  assert.equal(trailer(listed ?? { trailers: {} }, 'Field-Manager'), 'argocd-controller (Apply)');
  assert.equal(listed?.time, Date.parse('2022-09-18T23:50:25Z'), 'dated by the apply, not by the status write');

  // The controller updates status through the subresource: the recorded file does not change.
  fake.patchStatus(
    'apps/v1',
    'Deployment',
    namespace,
    name,
    { status: { observedGeneration: 7 } },
    'kube-controller-manager',
  );
  // Someone scales it: their write is the change, then the controller's status follows.
  fake.patch('apps/v1', 'Deployment', namespace, name, { spec: { replicas: 4 } }, 'kubectl-scale');
  fake.patchStatus('apps/v1', 'Deployment', namespace, name, { status: { replicas: 4 } }, 'kube-controller-manager');
  await harness.waitForCommits((commits) => commits.length === 2);
  await source.settled();
  await stop();
  assert.deepEqual(
    harness.commits.map((commit) => [commit.authorName, trailer(commit, 'Attribution')]),
    [
      ['argocd-controller', 'field-manager'],
      ['kubectl-scale', 'field-manager'],
    ],
  );
  const entries = fake.get('apps/v1', 'Deployment', namespace, name)?.metadata['managedFields'] as unknown[];
  assert.ok(
    entries.some((entry) => (entry as Record<string, unknown>)['subresource'] === 'status'),
    'the status writes were recorded as the status subresource',
  );
});
