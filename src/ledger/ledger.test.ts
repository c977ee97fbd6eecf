import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeRecord } from '../domain/change.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Ledger } from './ledger.ts';

const alice = { name: 'alice@example.com', email: 'alice@example.com' };
const bob = { name: 'bob', email: 'bob@kubernetes.invalid' };

function record(over: Partial<ChangeRecord> & Pick<ChangeRecord, 'eventId' | 'path' | 'update'>): ChangeRecord {
  return {
    branch: 'main',
    author: alice,
    time: Date.parse('2024-06-01T12:00:00Z'),
    subject: 'update configmaps default/app',
    trailers: [
      ['Source', 'test'],
      ['Event-ID', over.eventId],
      ['Attribution', 'exact'],
    ],
    source: 'test',
    ...over,
  };
}

const configMap = (value: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app', namespace: 'default' },
  data: { value },
});
const path = 'kubernetes/prod/namespaces/default/core/configmaps/app.yaml';

test('commits one change per event with the actor as author, and git agrees', async (t) => {
  const data = tempDir(t);
  const ledger = await Ledger.open({ dataDir: data, now: () => Date.parse('2024-06-02T00:00:00Z') });
  assert.equal(
    (await ledger.apply({ record: record({ eventId: 'e1', path, update: { kind: 'put', doc: configMap('one') } }) }))
      .outcome,
    'committed',
  );
  assert.equal(
    (
      await ledger.apply({
        record: record({
          eventId: 'e2',
          path,
          author: bob,
          time: Date.parse('2024-06-01T12:05:00Z'),
          update: { kind: 'put', doc: configMap('two') },
        }),
      })
    ).outcome,
    'committed',
  );
  assert.equal(
    (
      await ledger.apply({
        record: record({
          eventId: 'e3',
          path,
          time: Date.parse('2024-06-01T12:06:00Z'),
          update: { kind: 'put', doc: configMap('two') },
        }),
      })
    ).outcome,
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
    (
      await ledger.apply({
        record: record({
          eventId: 'e2',
          path: other,
          time: Date.parse('2024-06-01T13:00:00Z'),
          update: { kind: 'put', doc: configMap('x') },
        }),
      })
    ).outcome,
    'committed',
  );
  assert.equal(
    (
      await ledger.apply({
        record: record({
          eventId: 'e3',
          path,
          author: bob,
          time: Date.parse('2024-06-01T14:00:00Z'),
          update: { kind: 'delete' },
        }),
      })
    ).outcome,
    'committed',
  );
  await ledger.close();
  const gitdir = join(data, 'repo.git');
  fsckStrict(gitdir);
  assert.equal(git(gitdir, 'rev-list', '--count', 'main').trim(), '3');
  assert.equal(git(gitdir, 'ls-tree', '-r', '--name-only', 'main').trim(), other);
  assert.equal(git(gitdir, 'log', '-1', '--format=%an', '--', path).trim(), 'bob');
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
    (
      await reopened.apply({
        record: record({
          eventId: 'old',
          path,
          time: Date.parse('2024-06-01T11:00:00Z'),
          update: { kind: 'put', doc: configMap('old') },
        }),
      })
    ).outcome,
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

test('a writer killed mid-flush leaves nothing that blocks the next one', async (t) => {
  const data = tempDir(t);
  let ledger = await Ledger.open({ dataDir: data });
  await ledger.apply({ record: record({ eventId: 'e1', path, update: { kind: 'put', doc: configMap('one') } }) });
  await ledger.close();
  const gitdir = join(data, 'repo.git');
  const { writeFileSync, utimesSync, readdirSync } = await import('node:fs');
  writeFileSync(join(gitdir, 'objects', 'pack', 'gitrail-tmp-abcdef.pack'), 'PACK half written');
  const lock = join(gitdir, 'refs', 'heads', 'main.lock');
  writeFileSync(lock, '0000000000000000000000000000000000000000\n');
  utimesSync(lock, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
  ledger = await Ledger.open({ dataDir: data });
  assert.equal(
    (
      await ledger.apply({
        record: record({
          eventId: 'e2',
          path,
          time: Date.parse('2024-06-01T13:00:00Z'),
          update: { kind: 'put', doc: configMap('two') },
        }),
      })
    ).outcome,
    'committed',
  );
  await ledger.close();
  fsckStrict(gitdir);
  assert.deepEqual(
    readdirSync(join(gitdir, 'objects', 'pack')).filter((name) => name.startsWith('gitrail-tmp-')),
    [],
  );
  assert.equal(git(gitdir, 'rev-list', '--count', 'main').trim(), '2');
});

test('trees are stored as deltas of their previous version, and git reads them back', async (t) => {
  const data = tempDir(t);
  const ledger = await Ledger.open({ dataDir: data, flushEvery: 10_000 });
  const folder = 'kubernetes/prod/namespaces/big/core/configmaps';
  for (let i = 0; i < 400; i += 1) {
    await ledger.apply({
      record: record({
        eventId: `c${i}`,
        path: `${folder}/cm-${i}.yaml`,
        time: Date.parse('2024-06-01T12:00:00Z') + i,
        update: { kind: 'put', doc: configMap(`v${i}`) },
      }),
    });
  }
  for (let i = 0; i < 100; i += 1) {
    await ledger.apply({
      record: record({
        eventId: `u${i}`,
        path: `${folder}/cm-${i * 3}.yaml`,
        time: Date.parse('2024-06-02T12:00:00Z') + i,
        update: { kind: i % 10 === 9 ? 'delete' : 'put', doc: configMap(`w${i}`) } as never,
      }),
    });
  }
  await ledger.flush();
  const gitdir = join(data, 'repo.git');
  const { readdirSync, statSync } = await import('node:fs');
  const pack = readdirSync(join(gitdir, 'objects', 'pack')).find((name) => name.endsWith('.pack')) as string;
  const verify = git(gitdir, 'verify-pack', '-v', join(gitdir, 'objects', 'pack', pack));
  const deltas = verify.split('\n').filter((line) => /^[0-9a-f]{40} tree .* [0-9a-f]{40}$/.test(line)).length;
  assert.ok(deltas > 900, `only ${deltas} trees stored as deltas`);
  // 500 versions of a 400-entry tree (~16 KB each) would take 8 MB whole.
  assert.ok(statSync(join(gitdir, 'objects', 'pack', pack)).size < 1_000_000, 'trees are not stored whole');
  fsckStrict(gitdir);
  assert.equal(git(gitdir, 'ls-tree', '--name-only', 'main', `${folder}/`).trim().split('\n').length, 390);
  assert.match(git(gitdir, 'show', `main:${folder}/cm-3.yaml`), /value: w1\n/);
  await ledger.close();
  fsckStrict(gitdir);
});

test('repacking beside the writer loses nothing', async (t) => {
  const data = tempDir(t);
  const ledger = await Ledger.open({ dataDir: data, flushEvery: 25, maxPacks: 3 });
  for (let i = 0; i < 1200; i += 1) {
    const at = `kubernetes/prod/namespaces/ns-${i % 7}/core/configmaps/cm-${i % 150}.yaml`;
    await ledger.apply({
      record: record({
        eventId: `r${i}`,
        path: at,
        time: Date.parse('2024-06-01T12:00:00Z') + i * 1000,
        update: { kind: 'put', doc: configMap(`v${i}`) },
      }),
    });
  }
  await ledger.close();
  const gitdir = join(data, 'repo.git');
  fsckStrict(gitdir);
  assert.equal(git(gitdir, 'rev-list', '--count', 'main').trim(), '1200');
  assert.match(git(gitdir, 'show', 'main:kubernetes/prod/namespaces/ns-3/core/configmaps/cm-49.yaml'), /value: v199\n/);
  // What `git repack --geometric=2` leaves: each pack holds at least twice the objects of the next smaller.
  const { readdirSync, readFileSync } = await import('node:fs');
  const packDir = join(gitdir, 'objects', 'pack');
  const counts = readdirSync(packDir)
    .filter((name) => name.endsWith('.idx'))
    .map((name) => readFileSync(join(packDir, name)).readUInt32BE(8 + 255 * 4))
    .sort((a, b) => b - a);
  for (let i = 1; i < counts.length; i += 1)
    assert.ok((counts[i - 1] as number) >= 2 * (counts[i] as number), `packs of ${counts.join(', ')} objects`);
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
      (
        await ledger.apply({
          record: record({
            eventId: 'e0',
            path,
            time: Date.parse('2024-06-01T11:00:00Z'),
            update: { kind: 'put', doc: configMap('zero') },
          }),
        })
      ).outcome,
      'late',
      how,
    );
    await ledger.close();
  }
});
