// Who a watched change is attributed to: audit facts (by uid + resourceVersion, or the same
// object within the window) beat field managers; facts that arrive late still count within
// attributionDelay; a change the audit source already committed is not committed again.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import type { AttributionFact } from '../../domain/change.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { normaliseAuditEvent } from '../../formats/kubernetes-audit/normalise.ts';
import { configMap, startFake, trailer, waitForStatus, watchSource } from '../../../test/helpers/kube-fixtures.ts';
import { git } from '../../../test/helpers/git.ts';
import { openHarness, type Harness } from '../../../test/helpers/source-harness.ts';
import type { KubeObject } from '../../../test/fakes/kube-apiserver.ts';

const redact = createRedactor(Buffer.alloc(32, 7));

function auditEvent(verb: string, user: string, name: string, responseObject?: KubeObject): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: responseObject ? 'RequestResponse' : 'Metadata',
    auditID: randomUUID(),
    stage: 'ResponseComplete',
    verb,
    user: { username: user, groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.7'],
    userAgent: 'kubectl/v1.32.0',
    objectRef: { resource: 'configmaps', namespace: 'default', name, apiVersion: 'v1' },
    responseStatus: { code: 200 },
    ...(responseObject ? { responseObject } : {}),
    requestReceivedTimestamp: new Date().toISOString(),
    stageTimestamp: new Date().toISOString(),
  };
}

/** What the daemon does with an audit webhook batch: commit its state, record its facts. */
async function postAudit(harness: Harness, event: Record<string, unknown>): Promise<void> {
  const result = normaliseAuditEvent(event, { cluster: 'test', redact });
  assert.notEqual(result.kind, 'rejected');
  const facts: readonly AttributionFact[] = result.kind === 'rejected' ? [] : (result.facts ?? []);
  await harness.ctx.submit({
    source: 'kubernetes-audit/test',
    receivedAt: Date.now(),
    changes: result.kind === 'changes' ? result.changes : [],
    facts,
    ignored: 0,
    rejected: 0,
  });
}

test('an audit fact for the object names the author of what the watch sees, also for a delete', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
  const harness = await openHarness(t);
  const source = watchSource(fake);
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();

  // A Metadata-level audit event carries no object: only a fact, matched by path within the window.
  await postAudit(harness, auditEvent('patch', 'alice@example.com', 'app'));
  fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } }, 'kubectl-patch');
  await harness.waitForCommits((commits) => commits.length === 2);
  const patch = harness.commits[1];
  assert.equal(patch?.authorName, 'alice@example.com');
  assert.equal(patch?.authorEmail, 'alice@example.com');
  assert.equal(patch?.subject, 'patch configmaps default/app');
  assert.equal(trailer(patch ?? { trailers: {} }, 'Attribution'), 'correlated');
  assert.equal(trailer(patch ?? { trailers: {} }, 'Source-IP'), '10.0.0.7');
  assert.ok(trailer(patch ?? { trailers: {} }, 'Correlated-Event-ID'));

  // A fact filed under the object's uid and new resourceVersion wins over anything else.
  const updated = fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'red' } }, 'kubectl-edit');
  harness.recordFacts([
    {
      cluster: 'test',
      path: 'elsewhere',
      uid: String(updated.metadata['uid']),
      resourceVersion: String(updated.metadata['resourceVersion']),
      actor: { name: 'bob', email: 'bob@kubernetes.invalid' },
      verb: 'update',
      time: Date.now(),
      eventId: 'admission-1',
      trailers: [],
    },
  ]);
  await harness.waitForCommits((commits) => commits.length === 3);
  assert.equal(harness.commits[2]?.authorName, 'bob');
  assert.equal(harness.commits[2]?.subject, 'update configmaps default/app');

  // An admission review records a fact only; the watch's DELETED event is the state change.
  const doomed = fake.get('v1', 'ConfigMap', 'default', 'app');
  harness.recordFacts([
    {
      cluster: 'test',
      path: 'kubernetes/test/namespaces/default/core/configmaps/app.yaml',
      uid: String(doomed?.metadata['uid']),
      actor: { name: 'carol', email: 'carol@kubernetes.invalid' },
      verb: 'delete',
      time: Date.now(),
      eventId: 'admission-2',
      trailers: [['Source', 'admission-review']],
    },
  ]);
  fake.remove('v1', 'ConfigMap', 'default', 'app');
  await harness.waitForCommits((commits) => commits.length === 4);
  assert.equal(harness.commits[3]?.authorName, 'carol');
  assert.equal(harness.commits[3]?.subject, 'delete configmaps default/app');
  assert.equal(trailer(harness.commits[3] ?? { trailers: {} }, 'Attribution'), 'correlated');
  assert.equal(trailer(harness.commits[3] ?? { trailers: {} }, 'Source'), 'kubernetes-watch');
});

test('a delete the audit source committed is not committed again by the watch', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
  const harness = await openHarness(t);
  const source = watchSource(fake, { attributionDelay: '200ms' });
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();
  fake.remove('v1', 'ConfigMap', 'default', 'app');
  await postAudit(harness, auditEvent('delete', 'carol', 'app'));
  await harness.waitForCommits((commits) => commits.length === 2);
  await source.settled();
  assert.deepEqual(
    harness.commits.map((commit) => [commit.subject, commit.authorName, trailer(commit, 'Source')]),
    [
      ['observe configmaps default/app', 'kubectl-client-side-apply', 'kubernetes-watch'],
      ['delete configmaps default/app', 'carol', 'kubernetes-audit'],
    ],
  );
});

test(
  'an object the audit source deleted is not re-added while its finalizers run; without audit, terminating is ' +
    'recorded',
  async (t) => {
    // Created a minute ago: the finalizer's controller is then the one that wrote last.
    let offset = -60_000;
    const fake = await startFake(t, { now: () => Date.now() + offset });
    const held = (name: string) => ({
      ...configMap(name, { mode: 'blue' }),
      metadata: { name, namespace: 'default', finalizers: ['example.com/hold'] },
    });
    fake.create(held('app'), 'kubectl-client-side-apply');
    fake.create(held('other'), 'kubectl-client-side-apply');
    const harness = await openHarness(t);
    const source = watchSource(fake, { attributionDelay: '200ms' });
    harness.start(source);
    await harness.waitForCommits((commits) => commits.length === 2);
    await source.settled();
    offset = 0;

    // What a real apiserver does on DELETE of an object with finalizers: the call answers with the
    // object, now carrying deletionTimestamp; a controller removes its finalizer; then DELETED.
    const terminating = fake.patch(
      'v1',
      'ConfigMap',
      'default',
      'app',
      { metadata: { deletionTimestamp: new Date().toISOString() } },
      null,
    );
    await postAudit(harness, auditEvent('delete', 'carol', 'app', terminating));
    await harness.waitForCommits((commits) => commits.length === 3);
    fake.patch('v1', 'ConfigMap', 'default', 'app', { metadata: { finalizers: null } }, 'hold-controller');
    fake.remove('v1', 'ConfigMap', 'default', 'app');

    // Watch only (no audit event): the terminating state and the removal are both recorded.
    fake.patch(
      'v1',
      'ConfigMap',
      'default',
      'other',
      { metadata: { deletionTimestamp: new Date().toISOString(), finalizers: null } },
      'hold-controller',
    );
    await harness.waitForCommits((commits) => commits.length === 4);
    fake.remove('v1', 'ConfigMap', 'default', 'other');
    await harness.waitForCommits((commits) => commits.length === 5);
    await delay(300);
    await source.settled();
    assert.deepEqual(
      harness.commits.slice(2).map((commit) => [commit.subject, commit.authorName, trailer(commit, 'Source')]),
      [
        ['delete configmaps default/app', 'carol', 'kubernetes-audit'],
        ['observe configmaps default/other', 'hold-controller', 'kubernetes-watch'],
        ['delete configmaps default/other', 'unknown (attribution unresolved)', 'kubernetes-watch'],
      ],
    );
    assert.equal(harness.commits.length, 5);
  },
);

test('without a fact or a field manager, a change is authored unknown (attribution unresolved)', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('legacy', { a: '1' }), null);
  const harness = await openHarness(t);
  harness.start(watchSource(fake));
  await harness.waitForCommits((commits) => commits.length === 1);
  const [commit] = harness.commits;
  assert.equal(commit?.authorName, 'unknown (attribution unresolved)');
  assert.equal(commit?.authorEmail, 'unknown@gitrail.invalid');
  assert.equal(trailer(commit ?? { trailers: {} }, 'Attribution'), 'unresolved');
});

test('a fact for a different kind of change never names the author of a delete', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
  const harness = await openHarness(t);
  const source = watchSource(fake);
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();
  await postAudit(harness, auditEvent('patch', 'alice', 'app'));
  fake.remove('v1', 'ConfigMap', 'default', 'app');
  await harness.waitForCommits((commits) => commits.length === 2);
  assert.equal(harness.commits[1]?.authorName, 'unknown (attribution unresolved)');
});

test('a watched change waits attributionDelay for an audit fact that arrives after it', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
  const harness = await openHarness(t);
  const source = watchSource(fake, { attributionDelay: '800ms' });
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();
  fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } }, 'kubectl-patch');
  // The audit webhook batches: its event reaches gitrail after the watch event did.
  await delay(100);
  assert.equal(harness.commits.length, 1, 'the change is held while facts may still arrive');
  await postAudit(harness, auditEvent('patch', 'alice', 'app'));
  await harness.waitForCommits((commits) => commits.length === 2);
  assert.equal(harness.commits[1]?.authorName, 'alice');
});

test('a change the audit source already committed is not committed again when the watch sees it', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
  const harness = await openHarness(t);
  const source = watchSource(fake, { attributionDelay: '300ms' });
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();

  const stored = fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } }, 'kubectl-patch');
  await postAudit(harness, auditEvent('patch', 'alice', 'app', stored));
  await harness.waitForCommits((commits) => commits.length === 2);
  await source.settled();
  await source.resync();
  await source.settled();
  assert.deepEqual(
    harness.commits.map((commit) => [commit.authorName, trailer(commit, 'Source')]),
    [
      ['kubectl-client-side-apply', 'kubernetes-watch'],
      ['alice', 'kubernetes-audit'],
    ],
  );
  assert.ok(!harness.outcomes.includes('late'), 'nothing was recorded as late either');
});

test(
  'an object the audit source records while a resync list waits out the delay is not deleted by that ' + 'resync',
  async (t) => {
    const fake = await startFake(t);
    fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
    const harness = await openHarness(t);
    const source = watchSource(fake, { attributionDelay: '500ms', events: { enabled: false } });
    harness.start(source);
    await harness.waitForCommits((commits) => commits.length === 1);
    await source.settled();

    const watches = fake.watchesStarted;
    await source.resync();
    await fake.waitForWatchesStarted(watches + 1);
    // Listed already; created now, and committed by the audit source before the list's reconcile runs.
    const created = fake.create(configMap('fresh', { new: 'yes' }), 'kubectl-create');
    await postAudit(harness, {
      ...auditEvent('create', 'dana', 'fresh', created),
      objectRef: { resource: 'configmaps', namespace: 'default', name: 'fresh', apiVersion: 'v1' },
    });
    await source.settled();
    assert.deepEqual(
      harness.commits.map((commit) => `${commit.subject} by ${commit.authorName}`),
      ['observe configmaps default/app by kubectl-client-side-apply', 'create configmaps default/fresh by dana'],
    );
  },
);

test('what a list showed never replaces a newer state the audit source recorded after the list', async (t) => {
  const fake = await startFake(t);
  fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
  const harness = await openHarness(t);
  const source = watchSource(fake, {
    attributionDelay: '500ms',
    events: { enabled: false },
    resources: { include: ['core/configmaps'] },
  });
  harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 1);
  await source.settled();

  // The watch is down; a change only a list will see.
  fake.failRequests(1_000, (request) => request.watch);
  fake.closeWatches();
  await waitForStatus(source, (status) => status.state === 'failing');
  fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } }, 'kubectl-edit');
  await source.resync();
  await waitForStatus(source, (status) => status.state === 'up');
  // Listed (green), waiting out the delay; meanwhile a newer change is audited and committed.
  const red = fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'red' } }, 'kubectl-edit');
  await postAudit(harness, auditEvent('patch', 'erin', 'app', red));
  fake.clearFailures();
  await source.settled();
  assert.deepEqual(
    harness.commits.map((commit) => `${commit.subject} by ${commit.authorName}`),
    ['observe configmaps default/app by kubectl-client-side-apply', 'patch configmaps default/app by erin'],
  );
  assert.match(
    git(harness.gitdir, 'show', 'main:kubernetes/test/namespaces/default/core/configmaps/app.yaml'),
    /mode: red/,
  );
});
