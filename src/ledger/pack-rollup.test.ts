// The JS pack roll-up against the real git CLI: the same objects before and after, one pack in
// place of the merged ones, `git fsck --strict` and `git verify-pack` clean (verify-pack rebuilds
// the `.idx` and fails unless ours is byte for byte what `git index-pack` writes).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { writeLooseObject } from './loose-object.ts';
import { maintainRepository } from './maintenance.ts';
import { makeObject } from './objects.ts';
import { blobVersion, initBare, storeObjects, writeHistory } from './pack-rollup-history.ts';
import { type RollupStep, rollUpPacks } from './pack-rollup.ts';

const listing = (gitdir: string) => git(gitdir, 'cat-file', '--batch-all-objects', '--batch-check');
const packNames = (gitdir: string) =>
  readdirSync(join(gitdir, 'objects', 'pack'))
    .filter((name) => name.endsWith('.pack'))
    .sort();
const packCount = (gitdir: string) => Number(/^packs: (\d+)$/m.exec(git(gitdir, 'count-objects', '-v'))?.[1]);

/** The checks every roll-up must pass, and that the new pack's `.idx` is what `git index-pack` writes. */
function assertWhole(gitdir: string, before: string): void {
  assert.equal(listing(gitdir), before, 'the same objects, of the same types and sizes');
  fsckStrict(gitdir);
  const packDir = join(gitdir, 'objects', 'pack');
  for (const name of readdirSync(packDir).filter((file) => file.endsWith('.idx'))) {
    git(gitdir, 'verify-pack', join(packDir, name));
  }
}

function assertIndexAsGitWrites(gitdir: string, pack: string, t: import('node:test').TestContext): void {
  const packPath = join(gitdir, 'objects', 'pack', `pack-${pack}.pack`);
  const theirs = join(tempDir(t), 'theirs.idx');
  execFileSync('git', ['index-pack', '-o', theirs, packPath], { stdio: 'ignore' });
  assert.deepEqual(readFileSync(packPath.replace(/\.pack$/, '.idx')), readFileSync(theirs));
}

test('the writer packs and the loose objects become one pack with the same objects, indexed as git does', async (t) => {
  const gitdir = join(tempDir(t), 'repo.git');
  initBare(gitdir);
  writeHistory(gitdir, [6, 5, 4, 4, 3]);
  const tag = Buffer.from(
    `object ${git(gitdir, 'rev-parse', 'main').trim()}\ntype commit\ntag v1\ntagger a <a@b> 0 +0000\n\ncheckpoint\n`,
  );
  const tagOid = writeLooseObject(gitdir, 'tag', tag);
  git(gitdir, 'update-ref', 'refs/tags/v1', tagOid);
  const before = listing(gitdir);
  assert.equal(packCount(gitdir), 5);

  const report = await rollUpPacks(gitdir);

  assert.deepEqual({ ...report, pack: '' }, { packs: 5, loose: 1, objects: 67, duplicates: 0, pack: '' });
  assert.deepEqual(packNames(gitdir), [`pack-${report?.pack}.pack`]);
  assert.match(git(gitdir, 'count-objects', '-v'), /^count: 0$/m, 'no loose object left');
  assertWhole(gitdir, before);
  assertIndexAsGitWrites(gitdir, report?.pack as string, t);
  assert.match(
    git(gitdir, 'verify-pack', '-v', join(gitdir, 'objects', 'pack', `pack-${report?.pack}.idx`)),
    /chain length = 5: /,
  );
  assert.equal(git(gitdir, 'cat-file', '-p', 'main:f.txt').split('\n')[21], 'changed 21');
});

test('the packs merged are those git repack --geometric=2 merges, and only those', async (t) => {
  const gitdir = join(tempDir(t), 'repo.git');
  initBare(gitdir);
  // 3, 3, 6, 30 and 120 objects: git rolls up the first three.
  const names = writeHistory(gitdir, [1, 1, 2, 10, 40]);
  const theirs = join(tempDir(t), 'theirs.git');
  cpSync(gitdir, theirs, { recursive: true });
  execFileSync('git', ['--git-dir', theirs, 'repack', '-d', '-q', '--geometric=2']);
  const before = listing(gitdir);

  const report = await rollUpPacks(gitdir);

  assert.equal(report?.packs, 3);
  const untouched = (repo: string) => packNames(repo).filter((name) => names.some((old) => name.includes(old)));
  assert.deepEqual(untouched(gitdir), untouched(theirs));
  assert.deepEqual(untouched(gitdir), [`pack-${names[3]}.pack`, `pack-${names[4]}.pack`].sort());
  assert.equal(packCount(gitdir), packCount(theirs));
  assertWhole(gitdir, before);
  assert.equal(await rollUpPacks(gitdir), null, 'a progression already: nothing to do');
});

test('an object in two packs is kept once; a delta on the dropped copy names its base instead', async (t) => {
  const gitdir = join(tempDir(t), 'repo.git');
  initBare(gitdir);
  writeHistory(gitdir, [3]);
  // Blob versions 0-2 are in the history's pack; this one holds copies of versions 1 and 2 (2 as
  // a delta on 1), a delta on the copy of 1, and a delta whose distance spans the dropped copies.
  const other = blobVersion(100, null);
  const one = blobVersion(1, null);
  const two = blobVersion(2, one);
  const onOne = blobVersion(7, one);
  const spanning = blobVersion(101, other);
  storeObjects(gitdir, [other, one, two, makeObject('blob', Buffer.from('x\n')), onOne, spanning]);
  const before = listing(gitdir);

  const report = await rollUpPacks(gitdir);

  assert.deepEqual({ ...report, pack: '' }, { packs: 2, loose: 0, objects: 13, duplicates: 2, pack: '' });
  assertWhole(gitdir, before);
  assertIndexAsGitWrites(gitdir, report?.pack as string, t);
  const verbose = git(gitdir, 'verify-pack', '-v', join(gitdir, 'objects', 'pack', `pack-${report?.pack}.idx`));
  const line = verbose.split('\n').find((entry) => entry.startsWith(onOne.oid)) as string;
  assert.match(line, new RegExp(`${one.oid}$`), 'a delta on the kept copy of version 1');
  assert.equal(git(gitdir, 'cat-file', 'blob', onOne.oid), blobVersion(7, null).content.toString());
  assert.equal(git(gitdir, 'cat-file', 'blob', spanning.oid), blobVersion(101, null).content.toString());
});

test('a roll-up stopped after its pack is in place leaves both copies; the next one keeps one pack', async (t) => {
  const gitdir = join(tempDir(t), 'repo.git');
  initBare(gitdir);
  writeHistory(gitdir, [3, 3, 2]);
  const before = listing(gitdir);
  const stop = new Error('stopped');
  await assert.rejects(
    rollUpPacks(gitdir, {
      onStep: (step) => {
        if (step === 'index-in-place') throw stop;
      },
    }),
    stop,
  );
  assert.equal(packCount(gitdir), 4);
  assertWhole(gitdir, before);
  // The merged pack is the largest and holds every other's objects: they go, it stays as it is.
  const merged = packNames(gitdir);
  const report = await rollUpPacks(gitdir);
  assert.equal(report?.duplicates, 24);
  assert.equal(packCount(gitdir), 1);
  assert.ok(merged.includes(`pack-${report?.pack}.pack`), 'the same bytes, so the same name');
  assertWhole(gitdir, before);
});

test('a roll-up killed at any step leaves every object readable; the next one finishes it', async (t) => {
  const original = join(tempDir(t), 'repo.git');
  initBare(original);
  writeHistory(original, [4, 3, 3, 2]);
  writeLooseObject(original, 'blob', Buffer.from('loose\n'));
  const before = listing(original);
  const steps: RollupStep[] = ['written', 'pack-in-place', 'index-in-place', 'old-index-removed', 'old-packs-removed'];
  for (const step of steps) {
    const gitdir = join(tempDir(t), 'repo.git');
    cpSync(original, gitdir, { recursive: true });
    const killed = spawnSync(process.execPath, [
      join(import.meta.dirname, '__fixtures__/rollup-killed.ts'),
      gitdir,
      step,
    ]);
    assert.equal(killed.signal, 'SIGKILL', `killed at ${step}: ${killed.stderr}`);
    assertWhole(gitdir, before);
    await rollUpPacks(gitdir);
    assert.equal(packCount(gitdir), 1, `after a kill at ${step}`);
    assertWhole(gitdir, before);
  }
});

test('a pack written while the roll-up runs stays, and so does a pack marked .keep', async (t) => {
  const gitdir = join(tempDir(t), 'repo.git');
  initBare(gitdir);
  const [kept] = writeHistory(gitdir, [2, 3, 3]);
  writeFileSync(join(gitdir, 'objects', 'pack', `pack-${kept}.keep`), '');
  let late = '';
  const report = await rollUpPacks(gitdir, {
    onStep: (step) => {
      if (step === 'written') late = storeObjects(gitdir, [makeObject('blob', Buffer.from('late\n'))]);
    },
  });
  assert.equal(report?.packs, 2);
  assert.deepEqual(packNames(gitdir), [`pack-${kept}.pack`, `pack-${late}.pack`, `pack-${report?.pack}.pack`].sort());
  fsckStrict(gitdir);
});

test('maintenance falls back to git repack for a pack it did not make, and loses nothing', async (t) => {
  const gitdir = join(tempDir(t), 'repo.git');
  initBare(gitdir);
  const [promisor] = writeHistory(gitdir, [2, 2, 2]);
  writeFileSync(join(gitdir, 'objects', 'pack', `pack-${promisor}.promisor`), '');
  const before = listing(gitdir);
  await assert.rejects(rollUpPacks(gitdir), /promisor or cruft pack/);
  assert.equal(packCount(gitdir), 3, 'nothing removed');
  const report = await maintainRepository(gitdir, false);
  assert.equal(report.rollup, 'git');
  assert.ok(existsSync(join(gitdir, 'objects', 'info', 'packs')), 'git repack wrote the pack list for dumb HTTP');
  assert.equal(listing(gitdir), before);
  fsckStrict(gitdir);
});

test('maintenance rolls packs up beside the commit-graph write, which git verifies', async (t) => {
  const gitdir = join(tempDir(t), 'repo.git');
  initBare(gitdir);
  writeHistory(gitdir, [40, 30, 30, 20, 20, 20, 10, 10]);
  const before = listing(gitdir);
  git(gitdir, 'update-server-info');
  const report = await maintainRepository(gitdir, false);
  assert.deepEqual([report.rollup, report.packsBefore, report.packsAfter], ['js', 8, 1]);
  const packList = readFileSync(join(gitdir, 'objects', 'info', 'packs'), 'utf8');
  assert.equal(packList, `P ${packNames(gitdir)[0]}\n\n`, 'the pack list names the new pack only');
  git(gitdir, 'commit-graph', 'verify', '--no-progress');
  assert.equal(git(gitdir, 'rev-list', '--count', 'main', '--', 'f.txt').trim(), '180');
  assertWhole(gitdir, before);
});
