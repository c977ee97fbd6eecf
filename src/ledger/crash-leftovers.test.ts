// What a killed writer or pack roll-up leaves in the pack folder is removed by the next writer,
// and nothing git is still finishing is touched (real git checks the repository).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { configMap, path, record } from './__fixtures__/records.ts';
import { removeCrashLeftovers } from './crash-leftovers.ts';
import { Ledger } from './ledger.ts';
import { hintsFolder } from './pack-hints.ts';

test('a pack whose index a killed roll-up removed goes; a fresh one git may be finishing stays', async (t) => {
  const data = tempDir(t);
  const ledger = await Ledger.open({ dataDir: data });
  await ledger.apply({ record: record({ eventId: 'e1', path, update: { kind: 'put', doc: configMap('one') } }) });
  await ledger.close();
  const gitdir = join(data, 'repo.git');
  const packDir = join(gitdir, 'objects', 'pack');
  const old = join(packDir, `pack-${'a'.repeat(40)}.pack`);
  const fresh = join(packDir, `pack-${'b'.repeat(40)}.pack`);
  writeFileSync(old, 'PACK left without its index');
  writeFileSync(fresh, 'PACK whose index git writes next');
  const now = Date.now();
  utimesSync(old, new Date(now - 120_000), new Date(now - 120_000));
  mkdirSync(hintsFolder(gitdir), { recursive: true });
  const orphanHints = join(hintsFolder(gitdir), `pack-${'c'.repeat(40)}.deltas`);
  const oldTemp = `${orphanHints}.1.tmp`;
  const freshTemp = `${orphanHints}.2.tmp`;
  for (const file of [orphanHints, oldTemp, freshTemp]) writeFileSync(file, 'GRDH');
  utimesSync(oldTemp, new Date(now - 120_000), new Date(now - 120_000));

  assert.deepEqual(removeCrashLeftovers(gitdir, now).sort(), [old, orphanHints, oldTemp].sort());
  assert.deepEqual(readdirSync(hintsFolder(gitdir)), [`pack-${'c'.repeat(40)}.deltas.2.tmp`], 'one being written');
  const packs = readdirSync(packDir);
  assert.ok(packs.includes(`pack-${'b'.repeat(40)}.pack`), 'a young index-less pack is left to git');
  assert.ok(packs.every((name) => !name.startsWith(`pack-${'a'.repeat(40)}`)));
  assert.ok(
    packs.some((name) => name.endsWith('.idx')),
    'the packs with an index are kept',
  );
  writeFileSync(fresh, '');
  removeCrashLeftovers(gitdir, now + 120_000);
  fsckStrict(gitdir);
  assert.equal(git(gitdir, 'rev-list', '--count', 'main').trim(), '1');
});
