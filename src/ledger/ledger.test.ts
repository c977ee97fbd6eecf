import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { alice, bob, configMap, outcomeOf, path, record } from './__fixtures__/records.ts';
import { Ledger } from './ledger.ts';

test('commits one change per event with the actor as author, and git agrees', async (t) => {
  const data = tempDir(t);
  const ledger = await Ledger.open({ dataDir: data, now: () => Date.parse('2024-06-02T00:00:00Z') });
  assert.equal(
    (await ledger.apply({ record: record({ eventId: 'e1', path, update: { kind: 'put', doc: configMap('one') } }) }))
      .outcome,
    'committed',
  );
  assert.equal(
    await outcomeOf(ledger, {
      eventId: 'e2',
      path,
      author: bob,
      time: Date.parse('2024-06-01T12:05:00Z'),
      update: { kind: 'put', doc: configMap('two') },
    }),
    'committed',
  );
  assert.equal(
    await outcomeOf(ledger, {
      eventId: 'e3',
      path,
      time: Date.parse('2024-06-01T12:06:00Z'),
      update: { kind: 'put', doc: configMap('two') },
    }),
    'unchanged',
  );
  assert.equal(
    (await ledger.apply({ record: record({ eventId: 'e1', path, update: { kind: 'put', doc: configMap('one') } }) }))
      .outcome,
    'duplicate',
  );
  await ledger.close();

  const gitdir = join(data, 'repo.git');
  fsckStrict(gitdir);
  const log = git(gitdir, 'log', '--format=%an|%ae|%aI|%cn|%s', 'main').trim().split('\n');
  assert.deepEqual(log, [
    'bob|bob@kubernetes.invalid|2024-06-01T12:05:00+00:00|gitrail|update configmaps default/app',
    'alice@example.com|alice@example.com|2024-06-01T12:00:00+00:00|gitrail|update configmaps default/app',
  ]);
  assert.equal(
    git(gitdir, 'show', `main:${path}`),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: default\ndata:\n  value: two\n',
  );
  assert.equal(
    git(gitdir, 'log', '-1', '--format=%b', 'main').trim(),
    'data.value: one → two\n\nSource: test\nEvent-ID: e2\nAttribution: exact',
  );
});

test('re-opening continues the history and still refuses duplicates', async (t) => {
  const data = tempDir(t);
  let ledger = await Ledger.open({ dataDir: data });
  await ledger.apply({ record: record({ eventId: 'e1', path, update: { kind: 'put', doc: configMap('one') } }) });
  await ledger.close();
  ledger = await Ledger.open({ dataDir: data });
  assert.equal(
    (await ledger.apply({ record: record({ eventId: 'e1', path, update: { kind: 'put', doc: configMap('one') } }) }))
      .outcome,
    'duplicate',
  );
  const other = 'kubernetes/prod/namespaces/other/core/configmaps/app.yaml';
  assert.equal(
    await outcomeOf(ledger, {
      eventId: 'e2',
      path: other,
      time: Date.parse('2024-06-01T13:00:00Z'),
      update: { kind: 'put', doc: configMap('x') },
    }),
    'committed',
  );
  assert.equal(
    await outcomeOf(ledger, {
      eventId: 'e3',
      path,
      author: bob,
      time: Date.parse('2024-06-01T14:00:00Z'),
      update: { kind: 'delete' },
    }),
    'committed',
  );
  await ledger.close();
  const gitdir = join(data, 'repo.git');
  fsckStrict(gitdir);
  assert.equal(git(gitdir, 'rev-list', '--count', 'main').trim(), '3');
  assert.equal(git(gitdir, 'ls-tree', '-r', '--name-only', 'main').trim(), other);
  assert.equal(git(gitdir, 'log', '-1', '--format=%an', '--', path).trim(), 'bob');
});

test("a late event is found late from the index once the writer no longer keeps the file's last time", async (t) => {
  const data = tempDir(t);
  // Each change flushed at once, and no last time kept in memory past a flush.
  const ledger = await Ledger.open({ dataDir: data, flushEvery: 1, lastTimesKept: 0 });
  const at = (eventId: string, iso: string, value: string) =>
    ledger.apply({
      record: record({ eventId, path, time: Date.parse(iso), update: { kind: 'put', doc: configMap(value) } }),
    });
  assert.equal((await at('new', '2024-06-01T12:00:00Z', 'new')).outcome, 'committed');
  assert.equal((await at('other', '2024-06-01T12:30:00Z', 'newer')).outcome, 'committed');
  assert.equal((await at('old', '2024-06-01T12:10:00Z', 'old')).outcome, 'late');
  await ledger.close();
  assert.match(git(join(data, 'repo.git'), 'show', `main:${path}`), /value: newer/);
});

test('an event older than the last change of its file goes to activity and never rolls it back', async (t) => {
  const data = tempDir(t);
  const ledger = await Ledger.open({ dataDir: data });
  await ledger.apply({
    record: record({
      eventId: 'new',
      path,
      time: Date.parse('2024-06-01T12:00:00Z'),
      update: { kind: 'put', doc: configMap('new') },
    }),
  });
  const late = await ledger.apply({
    record: record({
      eventId: 'old',
      path,
      time: Date.parse('2024-06-01T11:00:00Z'),
      update: { kind: 'put', doc: configMap('old') },
    }),
  });
  assert.equal(late.outcome, 'late');
  await ledger.close();
  const gitdir = join(data, 'repo.git');
  assert.match(git(gitdir, 'show', `main:${path}`), /value: new/);
  const activity = git(gitdir, 'log', '--format=%B', 'activity');
  assert.match(activity, /^late: update configmaps default\/app/);
  assert.match(
    activity,
    /Late: true\nResource-Path: kubernetes\/prod\/namespaces\/default\/core\/configmaps\/app.yaml/,
  );
  // The detour commit alone records the event as seen: replayed after a restart, it is a duplicate.
  const reopened = await Ledger.open({ dataDir: data });
  assert.equal(
    await outcomeOf(reopened, {
      eventId: 'old',
      path,
      time: Date.parse('2024-06-01T11:00:00Z'),
      update: { kind: 'put', doc: configMap('old') },
    }),
    'duplicate',
  );
  await reopened.close();
  assert.equal(git(gitdir, 'rev-list', '--count', 'activity').trim(), '1');
});

test('deleting a resource that was never recorded is kept on activity, not lost', async (t) => {
  const data = tempDir(t);
  const ledger = await Ledger.open({ dataDir: data });
  const result = await ledger.apply({
    record: record({
      eventId: 'gone',
      path,
      author: bob,
      update: { kind: 'delete' },
      subject: 'delete configmaps default/app',
    }),
  });
  assert.equal(result.outcome, 'untracked');
  assert.equal(
    (await ledger.apply({ record: record({ eventId: 'gone', path, author: bob, update: { kind: 'delete' } }) }))
      .outcome,
    'duplicate',
  );
  await ledger.close();
  const gitdir = join(data, 'repo.git');
  fsckStrict(gitdir);
  assert.equal(
    git(gitdir, 'log', '--format=%an|%s', 'activity').trim(),
    'bob|untracked: delete configmaps default/app',
  );
  assert.match(
    git(gitdir, 'log', '-1', '--format=%B', 'activity'),
    new RegExp(
      String.raw`Untracked: true\nResource-Path: kubernetes/prod/namespaces/default/core/configmaps/app\.yaml\n` +
        'Attribution: exact',
    ),
  );
  assert.equal(
    git(gitdir, 'for-each-ref', '--format=%(refname)').trim(),
    'refs/heads/activity',
    'main was not created',
  );
  const reopened = await Ledger.open({ dataDir: data });
  assert.equal(
    (await reopened.apply({ record: record({ eventId: 'gone', path, author: bob, update: { kind: 'delete' } }) }))
      .outcome,
    'duplicate',
    'a replay after a restart is a duplicate too',
  );
  await reopened.close();
});

test('an index of another layout (or a deleted one) is rebuilt from the repository', async (t) => {
  const { DatabaseSync } = await import('node:sqlite');
  const { existsSync, rmSync } = await import('node:fs');
  const damage = {
    'another layout': (file: string) => {
      const db = new DatabaseSync(file);
      db.exec(`UPDATE meta SET value = '1' WHERE key = 'schema'`);
      db.close();
    },
    deleted: (file: string) => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
  for (const [how, spoil] of Object.entries(damage)) {
    const data = tempDir(t);
    let ledger = await Ledger.open({ dataDir: data });
    await ledger.apply({ record: record({ eventId: 'e1', path, update: { kind: 'put', doc: configMap('one') } }) });
    await ledger.apply({
      record: record({
        eventId: 'e2',
        path,
        author: bob,
        time: Date.parse('2024-06-01T13:00:00Z'),
        update: { kind: 'put', doc: configMap('two') },
      }),
    });
    await ledger.close();
    spoil(join(data, 'index.db'));
    if (how === 'deleted') assert.equal(existsSync(join(data, 'index.db')), false);
    ledger = await Ledger.open({ dataDir: data });
    assert.equal(ledger.index.commitCount(), 2, how);
    const rows = ledger.index.db.prepare('SELECT lower(hex(blob)) AS blob FROM changes ORDER BY seq').all() as Array<{
      blob: string;
    }>;
    assert.deepEqual(
      rows.map((row) => row.blob),
      [
        git(join(data, 'repo.git'), 'rev-parse', `main~1:${path}`).trim(),
        git(join(data, 'repo.git'), 'rev-parse', `main:${path}`).trim(),
      ],
      `${how}: full blob ids`,
    );
    assert.equal(
      (await ledger.apply({ record: record({ eventId: 'e1', path, update: { kind: 'put', doc: configMap('one') } }) }))
        .outcome,
      'duplicate',
      how,
    );
    assert.equal(
      await outcomeOf(ledger, {
        eventId: 'e0',
        path,
        time: Date.parse('2024-06-01T11:00:00Z'),
        update: { kind: 'put', doc: configMap('zero') },
      }),
      'late',
      how,
    );
    await ledger.close();
  }
});
