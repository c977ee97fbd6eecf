// The Kubernetes watch source against the fake API server, driven by the real
// @kubernetes/client-node, committing through a real Ledger checked with the git CLI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configMap, deployment, startFake, trailer, watchSource } from '../../../test/helpers/kube-fixtures.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';

const CM = 'kubernetes/test/namespaces/default/core/configmaps/app.yaml';

test(
  'objects created, modified and deleted on the API server become commits attributed to their field ' + 'manager',
  async (t) => {
    const fake = await startFake(t);
    fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
    fake.create(deployment('web', 2), 'helm');
    const harness = await openHarness(t);
    const source = watchSource(fake);
    const stop = harness.start(source);

    await harness.waitForCommits((commits) => commits.length === 2);
    await source.settled();
    const [first, second] = harness.commits.map((commit) => ({
      author: commit.authorName,
      subject: commit.subject,
      attribution: trailer(commit, 'Attribution'),
    }));
    assert.deepEqual(
      [first, second].sort((a, b) => (a?.subject ?? '').localeCompare(b?.subject ?? '')),
      [
        { author: 'helm', subject: 'observe apps/deployments default/web', attribution: 'field-manager' },
        {
          author: 'kubectl-client-side-apply',
          subject: 'observe configmaps default/app',
          attribution: 'field-manager',
        },
      ],
    );

    fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } }, 'kubectl-edit');
    await harness.waitForCommits((commits) => commits.length === 3);
    const edit = harness.commits[2];
    assert.equal(edit?.authorName, 'kubectl-edit');
    assert.match(git(harness.gitdir, 'show', `main:${CM}`), /mode: green/);

    fake.remove('v1', 'ConfigMap', 'default', 'app');
    await harness.waitForCommits((commits) => commits.length === 4);
    const deletion = harness.commits[3];
    assert.equal(deletion?.subject, 'delete configmaps default/app');
    assert.equal(deletion?.authorName, 'unknown (attribution unresolved)');
    assert.equal(trailer(deletion ?? { trailers: {} }, 'Attribution'), 'unresolved');
    assert.equal(git(harness.gitdir, 'ls-tree', '-r', '--name-only', 'main').includes(CM), false);
    assert.equal(source.status().state, 'up');

    // The API server saw client-node's credentials on every request.
    assert.ok(fake.requests.every((request) => request.authorization === 'Bearer test-token-not-a-secret'));
    await stop();
    assert.equal(source.status().state, 'stopped');
    fsckStrict(harness.gitdir);
  },
);
