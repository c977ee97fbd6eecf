// Which packs a roll-up merges: git's geometric rule (`git repack --geometric=<factor>`, builtin/
// repack.c, split_pack_geometry in git 2.39), so that the repository keeps one pack or a few of
// sizes in a progression. The weight of a pack is its number of objects; packs with a `.keep`
// are left out, as git leaves them.
import { existsSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { indexedCount } from './pack-index-file.ts';

export interface PackOnDisk {
  /** The path without its extension: `<pack dir>/pack-<checksum>`. */
  readonly base: string;
  readonly checksum: string;
  readonly objects: number;
  /** Marked `.keep`: never rolled up, as git does. */
  readonly keep: boolean;
  /** A `.promisor` (partial clone) or `.mtimes` (cruft pack) file: not a pack gitrail made. */
  readonly foreign: boolean;
}

/** The packs of `packDir` that are complete (a `.pack` and its `.idx`). */
export async function listPacks(packDir: string): Promise<PackOnDisk[]> {
  const names = new Set(await readdir(packDir));
  const packs: PackOnDisk[] = [];
  for (const name of names) {
    const match = /^pack-([0-9a-f]{40})\.idx$/.exec(name);
    if (!match || !names.has(name.replace(/\.idx$/, '.pack'))) continue;
    const base = join(packDir, name.slice(0, -'.idx'.length));
    let objects: number;
    try {
      objects = await readCount(`${base}.idx`);
    } catch (error) {
      // Removed meanwhile (a roll-up ending elsewhere): no longer a pack.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    packs.push({
      base,
      checksum: match[1] as string,
      objects,
      keep: names.has(`${name.slice(0, -4)}.keep`),
      foreign: names.has(`${name.slice(0, -4)}.promisor`) || names.has(`${name.slice(0, -4)}.mtimes`),
    });
  }
  return packs;
}

async function readCount(path: string): Promise<number> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(8 + 256 * 4);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return indexedCount(head.subarray(0, bytesRead), path);
  } finally {
    await file.close();
  }
}

/**
 * The packs to merge into one: after sorting by weight, the lightest ones up to the point from
 * which the rest form a geometric progression (each at least `factor` times the one before),
 * then as many of the heavier ones as the merged pack would break the progression with.
 */
export function selectGeometric<T extends { readonly objects: number }>(packs: readonly T[], factor: number): T[] {
  const sorted = [...packs].sort((a, b) => a.objects - b.objects);
  if (sorted.length === 0) return [];
  const weight = (index: number) => (sorted[index] as T).objects;
  let split = sorted.length - 1;
  while (split > 0 && weight(split) >= factor * weight(split - 1)) split -= 1;
  if (split > 0) split += 1;
  let total = 0;
  for (let index = 0; index < split; index += 1) total += weight(index);
  while (split < sorted.length && weight(split) < factor * total) {
    total += weight(split);
    split += 1;
  }
  return sorted.slice(0, split);
}

/** A multi-pack index would go on naming the packs a roll-up removes: git's repack handles it. */
export function hasMultiPackIndex(packDir: string): boolean {
  return existsSync(join(packDir, 'multi-pack-index'));
}
