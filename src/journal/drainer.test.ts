import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import { Ledger } from '../ledger/ledger.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { createRedactor } from '../normalise/redact.ts';
import { normaliseAuditEvent } from '../formats/kubernetes-audit/normalise.ts';
import { auditEvent } from '../../test/helpers/intake-fixtures.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Drainer } from './drainer.ts';
import { IntakeActivity } from './intake-activity.ts';
import { Journal } from './journal.ts';

const redact = createRedactor(Buffer.alloc(32, 1));
const log = pino({ level: 'silent' });

function batchOf(indexes: readonly number[], options: { metadataOnly?: boolean } = {}): ChangeBatch {
  const changes = [];
  const facts = [];
  for (const index of indexes) {
    const event = auditEvent(index);
    if (options.metadataOnly) delete event['responseObject'];
    const result = normaliseAuditEvent(event, { cluster: 'prod', redact });
    if (result.kind === 'changes') changes.push(...result.changes);
    if (result.kind !== 'rejected') facts.push(...(result.facts ?? []));
  }
  return { source: 'kubernetes-audit/prod', receivedAt: Date.now(), changes, facts, ignored: 0, rejected: 0 };
}

async function openPipeline(dataDir: string, segmentBytes = 64 * 1024, intake?: IntakeActivity) {
  const ledger = await Ledger.open({ dataDir, log });
  const journal = Journal.open({ dir: join(dataDir, 'journal'), segmentBytes, maxBytes: 1 << 30 });
  const metrics = createMetrics({ defaultMetrics: false });
  const drainer = new Drainer({
    journal,
    ledger,
    metrics,
    log,
    maxChangesPerFlush: 50,
    flushIntervalMs: 0,
    ...(intake ? { intake } : {}),
  });
  const running = drainer.run();
  const close = async () => {
    await journal.close();
    drainer.stop();
    await running;
    await ledger.close();
  };
  return { ledger, journal, metrics, drainer, close };
}

test('journal batches become commits in order; whenCommitted resolves once they are on the branch', async (t) => {
  const dataDir = tempDir(t);
  const { journal, drainer, ledger, close } = await openPipeline(dataDir);
  const seqs = [];
  for (let start = 0; start < 300; start += 30)
    seqs.push(await journal.append(batchOf(Array.from({ length: 30 }, (_, n) => start + n))));
  await drainer.whenCommitted(seqs.at(-1) as number);
  assert.equal(journal.checkpointed, seqs.at(-1));
  const gitdir = ledger.gitdir;
  const subjects = git(gitdir, 'log', '--reverse', '--format=%s', 'main').trim().split('\n');
  assert.equal(subjects.length, 300);
  assert.equal(subjects[0], 'create configmaps ns-0/cm-0');
  assert.equal(subjects[299], 'create configmaps ns-99/cm-299');
  await close();
  fsckStrict(gitdir);
});

test('replaying batches that were already committed (crash before the checkpoint) commits nothing twice', async (t) => {
  const dataDir = tempDir(t);
  const first = await openPipeline(dataDir, 1 << 20);
  let last = 0;
  for (let start = 0; start < 100; start += 10)
    last = await first.journal.append(batchOf(Array.from({ length: 10 }, (_, n) => start + n)));
  await first.drainer.whenCommitted(last);
  await first.close();
  const gitdir = join(dataDir, 'repo.git');
  const head = git(gitdir, 'rev-parse', 'main').trim();
  // As if the process died after the ledger flushed but before the checkpoint was written.
  writeFileSync(join(dataDir, 'journal', 'checkpoint'), '{"seq":3}\n');

  const second = await openPipeline(dataDir, 1 << 20);
  assert.equal(second.journal.depth().entries > 0, true, 'entries after the stale checkpoint are replayed');
  await second.drainer.whenCommitted(last);
  const more = await second.journal.append(batchOf([100, 101]));
  await second.drainer.whenCommitted(more);
  await second.close();
  const metrics = await second.metrics.registry.metrics();
  assert.match(metrics, /gitrail_events_duplicate_total\{source="kubernetes-audit\/prod"\} 70/);
  assert.equal(git(gitdir, 'rev-list', '--count', 'main').trim(), '102');
  assert.equal(git(gitdir, 'rev-parse', 'main~2').trim(), head, 'the replay added no commit');
  fsckStrict(gitdir);
});

test('facts from events without objects reach the index; batches appended while idle wake the drainer', async (t) => {
  const dataDir = tempDir(t);
  const { journal, drainer, ledger, close } = await openPipeline(dataDir);
  const seq = await journal.append(batchOf([7], { metadataOnly: true }));
  await drainer.whenCommitted(seq);
  const factOf = (index: number) =>
    ledger.index.findFact({
      path: `kubernetes/prod/namespaces/ns-${index}/core/configmaps/cm-${index}.yaml`,
      time: Date.parse('2026-03-02T10:00:01Z'),
      windowMs: 60_000,
    });
  assert.equal(factOf(7)?.actor.name, 'user-2@example.com');
  // A webhook-sized batch: its facts are recorded a slice at a time, every one of them.
  const indexes = Array.from({ length: 150 }, (_, n) => 10 + n);
  const many = await journal.append(batchOf(indexes, { metadataOnly: true }));
  await drainer.whenCommitted(many);
  for (const index of [10, 73, 74, 159]) assert.equal(factOf(index)?.actor.name, `user-${index % 5}@example.com`);
  assert.equal(ledger.head('main'), null, 'a fact is no commit');
  await close();
});

test('stop() commits what is durable before run() returns', async (t) => {
  const dataDir = tempDir(t);
  const ledger = await Ledger.open({ dataDir, log });
  const journal = Journal.open({ dir: join(dataDir, 'journal'), segmentBytes: 1 << 20, maxBytes: 1 << 30 });
  const drainer = new Drainer({
    journal,
    ledger,
    metrics: createMetrics({ defaultMetrics: false }),
    log,
    maxChangesPerFlush: 1_000_000,
    flushIntervalMs: 3_600_000,
    now: () => 0,
  });
  const running = drainer.run();
  const first = await journal.append(batchOf([1]));
  await drainer.whenCommitted(first);
  const second = await journal.append(batchOf([2]));
  await journal.close();
  drainer.stop();
  await running;
  assert.equal(journal.checkpointed, second, 'the batch held back by the flush interval is committed on stop');
  await ledger.close();
  assert.equal(git(join(dataDir, 'repo.git'), 'rev-list', '--count', 'main').trim(), '2');
});

test('a drainer giving way to intake requests still drains while a request never ends', async (t) => {
  const dataDir = tempDir(t);
  const intake = new IntakeActivity();
  const { journal, drainer, ledger, close } = await openPipeline(dataDir, 64 * 1024, intake);
  intake.enter();
  let seq = 0;
  for (let start = 0; start < 200; start += 40)
    seq = await journal.append(batchOf(Array.from({ length: 40 }, (_, n) => start + n)));
  await drainer.whenCommitted(seq);
  intake.leave();
  const more = await journal.append(batchOf([200]));
  await drainer.whenCommitted(more);
  assert.equal(git(ledger.gitdir, 'rev-list', '--count', 'main').trim(), '201');
  await close();
});
