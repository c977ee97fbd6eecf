// Issue 10, reproduction 1: one event could stop the daemon for good. A time of 1e300 or -5,
// or a document nested 2,600 levels deep, was acknowledged (202), then threw in the drainer
// (RangeError) or wrote a commit `git fsck --strict` refuses; the daemon stopped, and on
// restart the journal replayed the same record and it stopped again.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { Config } from '../config/schema.ts';
import type { ChangeRecord } from '../domain/change.ts';
import type { IndexedCommit } from '../index/index-db.ts';
import { Journal } from '../journal/journal.ts';
import { startDaemon } from '../main.ts';
import { createRedactor } from '../normalise/redact.ts';
import { normaliseGenericEvent } from '../sources/generic/normalise.ts';
import type { Source } from '../sources/source.ts';
import { auditEvent, cloudTrailRecord, eventList, genericEvent } from '../../test/helpers/intake-fixtures.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';

const TOKEN = 'poison-test-token-0123456789';
const log = pino({ level: 'silent' });

/** `{"a":{"a":…}}` nested `levels` deep: about 16 KB at 2,600 levels. */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let level = 1; level < levels; level += 1) value = { a: value };
  return value;
}

interface Answer {
  readonly status: number;
  readonly body: { received?: number; rejected?: number; problems?: Array<{ index: number; reason: string }> };
}

async function post(url: string, body: unknown): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

test('impossible times and deep nesting are refused at the edge on every route; the daemon carries on', async (t) => {
  const dir = tempDir(t);
  const config = Config.parse({ data: dir, listen: '127.0.0.1:0' });
  const daemon = await startDaemon({ config, env: { GITRAIL_INGEST_TOKEN: TOKEN }, log });
  t.after(() => daemon.stop('test end'));

  const deep = nested(2600);
  const events = await post(`${daemon.url}/ingest/events/poison`, [
    genericEvent(1),
    { id: 't3', time: 1e300, actor: 'x', path: 'never-seen', object: null },
    { id: 't4', time: -5, actor: 'x', path: 'flags/early', object: { on: true } },
    { id: 't5', time: 1e23, actor: 'x', path: 'flags/overflow', object: { on: true } },
    { ...genericEvent(2), id: 'deep', object: deep },
  ]);
  assert.equal(events.status, 202, 'the valid event is kept');
  assert.deepEqual(
    events.body.problems?.map((problem) => problem.index),
    [1, 2, 3, 4],
  );
  for (const problem of events.body.problems?.slice(0, 3) ?? []) assert.match(problem.reason, /time/);
  assert.match(events.body.problems?.[3]?.reason ?? '', /nested deeper than 100/);

  const audit = auditEvent(7);
  (audit['responseObject'] as Record<string, unknown>)['data'] = deep;
  const audited = await post(`${daemon.url}/ingest/kubernetes/prod/audit`, eventList([audit, auditEvent(8)]));
  assert.equal(audited.status, 202);
  assert.deepEqual(
    audited.body.problems?.map((problem) => problem.index),
    [0],
  );
  assert.match(audited.body.problems?.[0]?.reason ?? '', /nested deeper than 100/);

  const trail = cloudTrailRecord(9);
  trail['requestParameters'] = { roleName: 'role-9', tags: deep };
  const trailed = await post(`${daemon.url}/ingest/cloudtrail`, { Records: [trail] });
  assert.equal(trailed.status, 422, 'nothing in the body could be kept');
  assert.match(trailed.body.problems?.[0]?.reason ?? '', /nested deeper than 100/);

  // Still up: a later event is committed, and the daemon stops cleanly.
  assert.equal((await post(`${daemon.url}/ingest/events/poison`, [genericEvent(3)])).status, 202);
  assert.equal((await fetch(`${daemon.url}/readyz`)).status, 200);
  assert.equal(await daemon.stop('test'), 0);
  fsckStrict(daemon.gitdir);
  const subjects = git(daemon.gitdir, 'log', '--format=%s', 'main').trim().split('\n').sort();
  assert.deepEqual(subjects, [
    'create configmaps ns-8/cm-8',
    'update feature-flags/flag-1',
    'update feature-flags/flag-3',
  ]);
});

/** The change record of a generic event, as an intake route journals it. */
function change(index: number): ChangeRecord {
  const result = normaliseGenericEvent(genericEvent(index), {
    source: 'poison',
    redact: createRedactor(Buffer.alloc(16, 1)),
  });
  if (result.kind !== 'changes') throw new Error('the fixture is not a change');
  return result.changes[0] as ChangeRecord;
}

test(
  'a poisoned journal is drained: ' + 'bad records are quarantined, the rest committed, and a restart does not loop',
  async (t) => {
    const dir = tempDir(t);
    // What an older gitrail acknowledged and journaled before it stopped on these records.
    const journal = Journal.open({ dir: join(dir, 'journal'), segmentBytes: 1 << 20, maxBytes: 1 << 30 });
    const overflow = { ...change(2), eventId: 't3', time: 1e300 };
    const deep = { ...change(3), eventId: 'deep', update: { kind: 'put', doc: nested(2600) } } satisfies ChangeRecord;
    await journal.append({
      source: 'generic/poison',
      receivedAt: Date.now(),
      changes: [change(1), overflow, deep, change(4)],
      facts: [],
      ignored: 0,
      rejected: 0,
    });
    await journal.close();

    const config = Config.parse({ data: dir, listen: '127.0.0.1:0' });
    const start = async () => {
      const committed: IndexedCommit[] = [];
      let drained: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (drained = resolve));
      const daemon = await startDaemon({
        config,
        env: { GITRAIL_INGEST_TOKEN: TOKEN },
        log,
        onCommitted: (commits) => {
          committed.push(...commits);
          if (committed.length >= 2) drained();
        },
      });
      return { daemon, committed, done };
    };
    const first = await start();
    t.after(() => first.daemon.stop('test end'));
    const stoppedEarly = first.daemon.stopped.then((code) => assert.fail(`the daemon stopped (exit ${code})`));
    await Promise.race([first.done, stoppedEarly]);
    assert.deepEqual(
      first.committed.map((commit) => commit.subject),
      ['update feature-flags/flag-1', 'update feature-flags/flag-4'],
    );

    const files = () =>
      readdirSync(join(dir, 'quarantine'))
        .filter((name) => name.endsWith('.json'))
        .sort();
    assert.equal(files().length, 2);
    const held = files()
      .map((name) => JSON.parse(readFileSync(join(dir, 'quarantine', name), 'utf8')))
      .sort((a, b) => a.seq - b.seq || (a.eventId === 't3' ? -1 : 1));
    assert.deepEqual(
      held.map((entry) => [entry.eventId, entry.source, entry.path]),
      [
        ['t3', 'generic/poison', 'custom/poison/feature-flags/flag-2.yaml'],
        ['deep', 'generic/poison', 'custom/poison/feature-flags/flag-3.yaml'],
      ],
    );
    assert.match(held[0].error.message, /time/);
    assert.equal(held[1].record.eventId, 'deep', 'the record is kept to be retried');

    const ready = (await (await fetch(`${first.daemon.url}/readyz`)).json()) as Record<string, unknown>;
    assert.equal(ready['ready'], true, 'a quarantined record does not take intake down');
    assert.deepEqual(ready['quarantine'], { records: 2 });
    const metrics = await (await fetch(`${first.daemon.url}/metrics`)).text();
    assert.match(metrics, /gitrail_quarantined_total\{source="generic\/poison"\} 2/);
    assert.equal(await first.daemon.stop('test'), 0);

    // The checkpoint moved past the poisoned entry: a restart replays nothing and quarantines nothing twice.
    const second = await startDaemon({ config, env: { GITRAIL_INGEST_TOKEN: TOKEN }, log });
    assert.equal(await second.stop('test'), 0);
    assert.equal(files().length, 2);
    fsckStrict(second.gitdir);
    assert.equal(git(second.gitdir, 'rev-list', '--count', 'main').trim(), '2');
  },
);

test('a live source passes the same edge: what it refuses is left out, logged and counted', async (t) => {
  const dir = tempDir(t);
  const config = Config.parse({ data: dir, listen: '127.0.0.1:0' });
  let submitted: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (submitted = resolve));
  const source: Source = {
    id: 'scripted/poison',
    status: () => ({ id: 'scripted/poison', state: 'up' }),
    async run(ctx) {
      const far = { ...change(2), eventId: 'far', time: Date.now() + 30 * 86_400_000 };
      const renamed = { ...change(3), author: { name: 'x'.repeat(300), email: 'x@example.com' } };
      await ctx.submit({
        source: 'generic/poison',
        receivedAt: ctx.now(),
        changes: [change(1), far, renamed],
        facts: [],
        ignored: 0,
        rejected: 0,
      });
      await ctx.committed();
      submitted();
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    },
  };
  const daemon = await startDaemon({ config, env: { GITRAIL_INGEST_TOKEN: TOKEN }, log, sources: [source] });
  t.after(() => daemon.stop('test end'));
  await done;
  const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
  assert.match(metrics, /gitrail_events_rejected_total\{source="generic\/poison"\} 2/);
  assert.equal(await daemon.stop('test'), 0);
  assert.deepEqual(git(daemon.gitdir, 'log', '--format=%s', 'main').trim().split('\n'), [
    'update feature-flags/flag-1',
  ]);
});
