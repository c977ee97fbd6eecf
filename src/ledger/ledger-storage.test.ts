// The ledger's storage under stress: a writer killed mid-flush, trees stored as deltas, repacks
// running beside the writer (real git checks what was written).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { configMap, outcomeOf, path, record } from './__fixtures__/records.ts';
import { Ledger } from './ledger.ts';

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
    await outcomeOf(ledger, {
      eventId: 'e2',
      path,
      time: Date.parse('2024-06-01T13:00:00Z'),
      update: { kind: 'put', doc: configMap('two') },
    }),
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
