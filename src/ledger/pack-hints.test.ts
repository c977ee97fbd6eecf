// The deltas a writer pack could not hold (its base in an earlier pack), kept beside it and
// applied by the roll-up: checked with the real git CLI (fsck, verify-pack, index-pack).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { configMap, record } from './__fixtures__/records.ts';
import { Ledger } from './ledger.ts';
import { hintsFolder, readHints } from './pack-hints.ts';
import { rollUpPacks } from './pack-rollup.ts';

const packs = (gitdir: string) => readdirSync(join(gitdir, 'objects', 'pack')).filter((name) => name.endsWith('.pack'));

const FOLDER = 'kubernetes/prod/namespaces/ns-1/core/configmaps';

/** Writes `count` commits from `from` on, 20 per pack, changing files of the same two folders. */
async function write(ledger: Ledger, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i += 1) {
    await ledger.apply({
      record: record({
        eventId: `e${i}`,
        path: `kubernetes/prod/namespaces/ns-${i % 2}/core/configmaps/cm-${i % 5}.yaml`,
        time: Date.parse('2024-06-01T12:00:00Z') + i * 1000,
        update: { kind: 'put', doc: configMap(`v${i}`) },
      }),
    });
  }
  await ledger.flush();
}

/** The ids of the versions of `folder`, oldest first. */
const versions = (gitdir: string, folder: string) =>
  git(gitdir, 'rev-list', '--reverse', 'main', '--', folder)
    .trim()
    .split('\n')
    .map((commit) => git(gitdir, 'rev-parse', `${commit}:${folder}`).trim())
    .filter((oid, at, all) => oid !== all[at - 1]);

/** `oid` → its delta base in the packs (null: stored whole). */
function deltaBases(gitdir: string): Map<string, string | null> {
  const lines = git(gitdir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(deltabase)').trim();
  return new Map(
    lines.split('\n').map((line) => {
      const [oid, base] = line.split(' ') as [string, string];
      return [oid, /^0+$/.test(base) ? null : base];
    }),
  );
}

test('a folder first changed in the second pack is stored as a delta once the roll-up merges both', async (t) => {
  const dataDir = tempDir(t);
  const gitdir = join(dataDir, 'repo.git');
  const ledger = await Ledger.open({ dataDir, flushEvery: 20, maxPacks: 100 });
  await write(ledger, 0, 40);
  const history = versions(gitdir, FOLDER);
  const secondPackFirst = history[10] as string; // commits 20..39: the folder's 11th version
  const hintFiles = readdirSync(hintsFolder(gitdir));
  assert.equal(hintFiles.length, 1, 'the second pack keeps the deltas it could not hold');
  const hinted = readHints(join(hintsFolder(gitdir), hintFiles[0] as string)).map((h) => h.oid.toString('hex'));
  assert.ok(hinted.includes(secondPackFirst));
  assert.equal(deltaBases(gitdir).get(secondPackFirst), null, 'whole in its pack, which must be self-contained');
  const before = git(gitdir, 'cat-file', '--batch-all-objects', '--batch-check');

  await ledger.close(); // rolls the two packs up

  assert.equal(packs(gitdir).length, 1);
  assert.equal(deltaBases(gitdir).get(secondPackFirst), history[9], "a delta against the folder's previous version");
  assert.equal(git(gitdir, 'cat-file', '--batch-all-objects', '--batch-check'), before, 'the same objects');
  fsckStrict(gitdir);
  const pack = join(gitdir, 'objects', 'pack', packs(gitdir)[0] as string);
  git(gitdir, 'verify-pack', pack.replace(/\.pack$/, '.idx'));
  const theirs = join(tempDir(t), 'theirs.idx');
  execFileSync('git', ['index-pack', '-o', theirs, pack], { stdio: 'ignore' });
  assert.deepEqual(readFileSync(pack.replace(/\.pack$/, '.idx')), readFileSync(theirs), 'the .idx git writes');
  assert.match(git(gitdir, 'show', `main:${FOLDER}/cm-3.yaml`), /value: v33\n/);
  assert.deepEqual(readdirSync(hintsFolder(gitdir)), [], 'applied hints are not kept');
});

test('hints whose base is in no merged pack are kept for a later roll-up, which applies them', async (t) => {
  const dataDir = tempDir(t);
  const gitdir = join(dataDir, 'repo.git');
  const ledger = await Ledger.open({ dataDir, flushEvery: 20, maxPacks: 100 });
  await write(ledger, 0, 40);
  const secondPackFirst = versions(gitdir, FOLDER)[10] as string;
  const [first] = packs(gitdir).filter(
    (name) => !existsSync(join(hintsFolder(gitdir), name.replace('.pack', '.deltas'))),
  );
  const keep = join(gitdir, 'objects', 'pack', (first as string).replace(/\.pack$/, '.keep'));
  writeFileSync(keep, '');
  await write(ledger, 40, 20);

  await ledger.close(); // rolls up the second and third packs only

  assert.equal(packs(gitdir).length, 2);
  assert.equal(deltaBases(gitdir).get(secondPackFirst), null, 'its base is in the kept pack');
  const carried = readdirSync(hintsFolder(gitdir)).flatMap((file) => readHints(join(hintsFolder(gitdir), file)));
  assert.ok(
    carried.some((hint) => hint.oid.toString('hex') === secondPackFirst),
    'carried to the merged pack',
  );
  rmSync(keep);

  await rollUpPacks(gitdir, { factor: 100 }); // all of them

  assert.equal(packs(gitdir).length, 1);
  assert.notEqual(deltaBases(gitdir).get(secondPackFirst), null);
  fsckStrict(gitdir);
  assert.match(git(gitdir, 'show', `main:${FOLDER}/cm-3.yaml`), /value: v53\n/);
});

test('a damaged or foreign hints file is read as no hints', (t) => {
  const file = join(tempDir(t), 'pack-x.deltas');
  writeFileSync(file, 'not a hints file');
  assert.deepEqual(readHints(file), []);
  assert.deepEqual(readHints(join(tempDir(t), 'missing.deltas')), []);
});
