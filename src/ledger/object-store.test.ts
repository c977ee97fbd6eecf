// Trees staged as deltas keep only the delta until the flush (issue 12): the writer still reads
// every staged version whole, and git reads the pack they go into, chains past git's depth cap
// (continued against the start of their run instead of a whole copy) included.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { ObjectStore } from './object-store.ts';
import { makeObject } from './objects.ts';
import { initRepository } from './repository.ts';
import { TreeState } from './tree-state.ts';

function packIndex(gitdir: string): string {
  const packDir = join(gitdir, 'objects', 'pack');
  return join(packDir, readdirSync(packDir).find((name) => name.endsWith('.idx')) as string);
}

test(
  'a folder changed 120 times before a flush reads back whole at every version, ' + 'before and after the pack',
  async (t) => {
    const gitdir = join(tempDir(t), 'repo.git');
    await initRepository(gitdir);
    const store = new ObjectStore(gitdir);
    const tree = new TreeState(null, (oid) => store.readTree(oid));
    const versions: Array<{ root: string; blob: string }> = [];
    for (let i = 0; i < 40; i += 1) {
      const blob = makeObject('blob', new TextEncoder().encode(`file ${i}\n`));
      store.stage(blob);
      await tree.setFile(`ns/apps/file-${i}.yaml`, blob.oid);
    }
    for (let version = 0; version < 120; version += 1) {
      const blob = makeObject('blob', new TextEncoder().encode(`version ${version}\n`));
      store.stage(blob);
      await tree.setFile('ns/apps/file-7.yaml', blob.oid);
      const written = await tree.write();
      for (const object of written.objects) store.stage(object);
      versions.push({ root: written.oid, blob: blob.oid });
    }
    const subtree = async (root: string) => {
      const ns = (await store.readTree(root)).find((entry) => entry.name === 'ns')?.oid as string;
      const apps = (await store.readTree(ns)).find((entry) => entry.name === 'apps')?.oid as string;
      return store.readTree(apps);
    };
    for (const { root, blob } of [versions[0], versions[55], versions[119]] as Array<{ root: string; blob: string }>) {
      const entries = await subtree(root);
      assert.equal(entries.length, 40);
      assert.equal(entries.find((entry) => entry.name === 'file-7.yaml')?.oid, blob);
    }
    const objects = store.staged();
    assert.ok(objects.some((object) => object.type === 'tree' && object.content.length === 0 && object.delta));
    await store.writePack();
    // Past git's depth cap a version of the 40-entry folder is a delta against the start of its
    // run, not a whole copy (the one-entry folders above it stay whole: smaller than any delta),
    // and no chain is longer than git's 50.
    const verified = git(gitdir, 'verify-pack', '-v', packIndex(gitdir)).split('\n');
    const wholeTrees = verified.map((line) => /^[0-9a-f]{40} tree +(\d+) \d+ \d+$/.exec(line)).filter((m) => m);
    assert.deepEqual(
      wholeTrees.filter((match) => Number(match?.[1]) > 1000).length,
      1,
      'only the first version of the folder is whole',
    );
    assert.ok(!verified.some((line) => /^chain length = (5[1-9]|[6-9]\d|\d{3,}):/.test(line)));
    // The first version, either side of the depth cap, the last.
    for (const { root, blob } of [0, 50, 51, 119].map((i) => versions[i] as { root: string; blob: string })) {
      assert.equal(git(gitdir, 'rev-parse', `${root}:ns/apps/file-7.yaml`).trim(), blob);
      assert.equal(git(gitdir, 'ls-tree', `${root}:ns/apps`).trim().split('\n').length, 40);
    }
    fsckStrict(gitdir);
  },
);

test('a pack that cannot be written keeps its objects staged, and the next flush writes them all', async (t) => {
  const gitdir = join(tempDir(t), 'repo.git');
  await initRepository(gitdir);
  const store = new ObjectStore(gitdir);
  // Larger than the pack worker's batches and segments, incompressible, and a delta of it.
  const big = makeObject('blob', randomBytes(3 * 1024 * 1024));
  const edited = Buffer.concat([Buffer.from(big.content), Buffer.from('one more line\n')]);
  const small = Array.from({ length: 3000 }, (_, i) => makeObject('blob', Buffer.from(`small ${i}\n`)));
  store.stage(big);
  for (const object of small) store.stage(object);
  const next = makeObject('blob', edited);
  store.stageAgainst(next, big.oid);
  const packDir = join(gitdir, 'objects', 'pack');
  renameSync(packDir, `${packDir}.away`);
  await assert.rejects(store.writePack(), /cannot write the staged objects/);
  renameSync(`${packDir}.away`, packDir);
  assert.equal((await store.read(next.oid)).content.length, edited.length, 'still readable from memory');
  await store.writePack();
  assert.equal(readdirSync(packDir).filter((name) => name.endsWith('.pack')).length, 1);
  assert.equal(git(gitdir, 'cat-file', '-s', next.oid).trim(), String(edited.length));
  assert.equal(git(gitdir, 'cat-file', 'blob', small[2999]?.oid as string), 'small 2999\n');
  assert.match(
    git(
      gitdir,
      'verify-pack',
      '-v',
      ...readdirSync(packDir)
        .filter((name) => name.endsWith('.idx'))
        .map((name) => join(packDir, name)),
    ),
    new RegExp(`^${next.oid} blob .* ${big.oid}$`, 'm'),
  );
  fsckStrict(gitdir);
});
