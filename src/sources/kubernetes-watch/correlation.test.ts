// Correlation lends a name only on unambiguous evidence: a fact explains one write, a second
// writer in the window is not attributed to the first, and when several people (or a later
// unaudited write) may have made a change it is unresolved with `Attribution-Candidates:`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AttributionFact } from '../../domain/change.ts';
import { IndexDb } from '../../index/index-db.ts';
import { formatCommitMessage } from '../../ledger/commit-message.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { assertGolden } from '../../../test/helpers/golden.ts';
import { configMap, startFake, trailer, watchSource } from '../../../test/helpers/kube-fixtures.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { FactLookup } from './correlation.ts';
import { identify, observeObject } from './observe.ts';
import { RecordedState } from './recorded-state.ts';

const PATH = 'kubernetes/test/namespaces/default/core/configmaps/app.yaml';
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true } as const;

function fact(name: string, time: number, eventId: string, verb = 'patch'): AttributionFact {
  return {
    cluster: 'test',
    path: PATH,
    actor: { name, email: `${name}@example.com` },
    verb,
    time,
    eventId,
    trailers: [
      ['Source', 'kubernetes-audit'],
      ['Source-IP', '10.0.0.7'],
    ],
  };
}

test('an ambiguous change: the commit is unresolved and names every candidate (golden)', (t) => {
  const index = new IndexDb(join(tempDir(t), 'index.db'));
  t.after(() => index.close());
  const at = Date.parse('2026-03-02T01:12:30Z');
  index.recordFacts([
    fact('alice@example.com', at - 20_000, 'a1c3e0d2-0000-4000-8000-000000000001'),
    fact('bob', at - 5_000, 'b0b0e0d2-0000-4000-8000-000000000002', 'update'),
  ]);
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'app', namespace: 'default', uid: 'u-1', resourceVersion: '42' },
    data: { mode: 'green' },
  };
  const observed = observeObject(CONFIGMAPS, object, identify('test', CONFIGMAPS, object), { via: 'watch' }, at, {
    cluster: 'test',
    redact: createRedactor(Buffer.alloc(32, 7)),
    attributionWindowMs: 60_000,
    index,
    facts: new FactLookup(index.db),
    state: new RecordedState(index),
  });
  assert.ok('record' in observed);
  const { record } = observed;
  assert.equal(record.author.name, 'unknown (attribution unresolved)');
  const message = formatCommitMessage(record.subject, '', record.trailers);
  assertGolden(message, join(import.meta.dirname, '__golden__', 'unresolved-candidates.commit.txt'));
});

test(
  'a fact lends its name to one write: a second writer within the window is not attributed to ' + 'the first',
  async (t) => {
    let offset = -60_000;
    const fake = await startFake(t, { now: () => Date.now() + offset });
    fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
    const harness = await openHarness(t);
    const source = watchSource(fake);
    harness.start(source);
    await harness.waitForCommits((commits) => commits.length === 1);
    await source.settled();
    offset = 0;

    // alice's patch, audited at Metadata level (no uid, no resourceVersion): a fact, then the write.
    harness.recordFacts([fact('alice', Date.now(), 'alice-patch')]);
    fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } }, 'kubectl-patch');
    await harness.waitForCommits((commits) => commits.length === 2);
    await source.settled();
    // Seconds later, a controller nobody audits changes it again, well within the 60 s window.
    fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'red' } }, 'mode-controller');
    await harness.waitForCommits((commits) => commits.length === 3);
    assert.deepEqual(
      harness.commits.slice(1).map((commit) => [commit.authorName, trailer(commit, 'Attribution')]),
      [
        ['alice', 'correlated'],
        ['mode-controller', 'field-manager'],
      ],
    );
  },
);

test('a list that finds a change two people may have made, or written after the only fact, names no one', async (t) => {
  let offset = -300_000;
  const fake = await startFake(t, { now: () => Date.now() + offset });
  fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
  fake.create(configMap('other', { mode: 'blue' }), 'kubectl-client-side-apply');
  const harness = await openHarness(t);
  let source = watchSource(fake, { events: { enabled: false } });
  let stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 2);
  await source.settled();
  await stop();

  // While gitrail was down: alice and bob both patched `app`; `other` was patched by alice, then
  // edited again by someone whose write was not audited.
  const now = Date.now();
  harness.recordFacts([
    fact('alice', now - 40_000, 'alice-1'),
    fact('bob', now - 30_000, 'bob-1'),
    { ...fact('alice', now - 50_000, 'alice-2'), path: PATH.replace('app.yaml', 'other.yaml') },
  ]);
  offset = -30_000;
  fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } }, 'kubectl-patch');
  offset = 0;
  fake.patch('v1', 'ConfigMap', 'default', 'other', { data: { mode: 'red' } }, 'kubectl-edit');
  source = watchSource(fake, { events: { enabled: false } });
  stop = harness.start(source);
  await harness.waitForCommits((commits) => commits.length === 4);
  await stop();
  const found = new Map(harness.commits.slice(2).map((commit) => [commit.changes[0]?.path, commit]));
  const app = found.get(PATH);
  const other = found.get(PATH.replace('app.yaml', 'other.yaml'));
  assert.equal(app?.authorName, 'unknown (attribution unresolved)');
  assert.equal(trailer(app ?? { trailers: {} }, 'Attribution'), 'unresolved');
  assert.match(
    trailer(app ?? { trailers: {} }, 'Attribution-Candidates') ?? '',
    /^bob \(patch \S+Z, event bob-1\); alice \(patch \S+Z, event alice-1\)$/,
  );
  assert.equal(other?.authorName, 'unknown (attribution unresolved)');
  assert.match(
    trailer(other ?? { trailers: {} }, 'Attribution-Candidates') ?? '',
    /^alice \(patch \S+Z, event alice-2\)$/,
  );
});
