// Test histories for the pack roll-up (pack-rollup.test.ts): commits of a changing file written
// by the writer's own pack code, one pack per batch, blob versions as deltas in their pack.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { encodeLineDelta } from './delta.ts';
import { type GitObject, makeObject, serializeCommit, serializeTree } from './objects.ts';
import { buildPack, storePack } from './pack-writer.ts';

export function fileVersion(version: number): Buffer {
  const lines: string[] = [];
  for (let line = 0; line < 40; line += 1) lines.push(line === version % 40 ? `changed ${version}` : `line ${line}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Blob `version` as a delta against `base` (an object of the same pack) or whole. */
export function blobVersion(version: number, base: GitObject | null): GitObject {
  const blob = makeObject('blob', fileVersion(version));
  return base ? { ...blob, delta: { base: base.oid, data: encodeLineDelta(base.content, blob.content) } } : blob;
}

/** Stores `objects` as one pack, in this order (a delta's base must come earlier). */
export function storeObjects(gitdir: string, objects: readonly GitObject[]): string {
  const built = buildPack(objects);
  storePack(join(gitdir, 'objects', 'pack'), built);
  return built.name;
}

/** Commits on `main`, `commitsPerPack[i]` of them in pack i; returns the packs' names. */
export function writeHistory(gitdir: string, commitsPerPack: readonly number[]): string[] {
  let parent: string | null = null;
  let version = 0;
  const names: string[] = [];
  for (const commits of commitsPerPack) {
    const objects: GitObject[] = [];
    let previous: GitObject | null = null;
    for (let n = 0; n < commits; n += 1) {
      const blob = blobVersion(version, previous);
      const tree = makeObject('tree', serializeTree([{ name: 'f.txt', mode: '100644', oid: blob.oid }]));
      const who = { name: 'alice', email: 'alice@example.com', time: 1_700_000_000_000 + version * 1000 };
      const fields = { tree: tree.oid, parent, author: who, committer: who, message: `version ${version}\n` };
      const commit = makeObject('commit', serializeCommit(fields));
      objects.push(blob, tree, commit);
      previous = blob;
      parent = commit.oid;
      version += 1;
    }
    names.push(storeObjects(gitdir, objects));
  }
  if (parent) execFileSync('git', ['--git-dir', gitdir, 'update-ref', 'refs/heads/main', parent]);
  return names;
}

export function initBare(gitdir: string): void {
  execFileSync('git', ['init', '-q', '--bare', gitdir]);
}
