import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDelta } from './delta.ts';
import { compareTreeEntries, hashObject, parseTree, serializeTree, type TreeEntry } from './objects.ts';
import { TreeState } from './tree-state.ts';

/** The tree git would store for `files` (path → blob id), built from scratch. */
function expectedTree(files: ReadonlyMap<string, string>, store: Map<string, Uint8Array>, prefix = ''): string | null {
  const entries = new Map<string, TreeEntry>();
  const subdirectories = new Set<string>();
  for (const [path, oid] of files) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) entries.set(rest, { name: rest, mode: '100644', oid });
    else subdirectories.add(rest.slice(0, slash));
  }
  for (const name of subdirectories) {
    const oid = expectedTree(files, store, `${prefix}${name}/`);
    if (oid) entries.set(name, { name, mode: '40000', oid });
  }
  if (entries.size === 0) return null;
  const content = serializeTree([...entries.values()].sort(compareTreeEntries));
  const oid = hashObject('tree', content);
  store.set(oid, content);
  return oid;
}

test('files set and removed at random give the trees git would write, each delta rebuilding its tree', async () => {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return Math.floor((seed / 0x80000000) * n);
  };
  // Names whose tree order differs from string order ('a/' after 'a.b', UTF-8 after U+FFFF).
  const folders = ['', 'a/', 'a/b/', 'a.b/', 'ä/', '😀/', 'x/y/z/'];
  const names = ['a-b', 'a0', 'a.c', 'ä.yaml', '😀.yaml', '\uffff', 'app-1.yaml', 'app-10.yaml', 'app-2.yaml'];
  const store = new Map<string, Uint8Array>();
  const readTree = async (oid: string) => parseTree(store.get(oid) as Uint8Array);
  const files = new Map<string, string>();
  let tree = new TreeState(null, readTree);
  let deltas = 0;
  for (let step = 0; step < 3000; step += 1) {
    const path = `${folders[random(folders.length)]}${names[random(names.length)]}`;
    const oid = random(4) === 0 ? null : hashObject('blob', Buffer.from(String(random(5))));
    assert.equal(await tree.setFile(path, oid), (files.get(path) ?? null) !== oid);
    if (oid === null) files.delete(path);
    else files.set(path, oid);
    if (random(5) === 0) continue;
    const written = await tree.write();
    for (const object of written.objects) {
      if (object.delta) {
        const base = store.get(object.delta.base) as Uint8Array;
        assert.deepEqual(Buffer.from(applyDelta(base, object.delta.data)), Buffer.from(object.content));
        deltas += 1;
      }
      store.set(object.oid, object.content);
    }
    assert.equal(written.oid, expectedTree(files, new Map()) ?? '4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    const probe = `${folders[random(folders.length)]}${names[random(names.length)]}`;
    assert.equal(await tree.getFile(probe), files.get(probe) ?? null);
    if (random(50) === 0) tree = new TreeState(written.oid, readTree);
  }
  assert.ok(deltas > 1000);
});
