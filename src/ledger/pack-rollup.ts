// Rolls packs together without `git repack`: the packs git's geometric rule picks (factor 2) and
// the loose objects become one pack whose entries are the old packs' bytes, copied (pack-copy.ts),
// and whose `.idx` merges theirs (their CRCs reused). No object is decompressed or searched for
// deltas: the writer's packs carry their deltas already (issue 12: `git repack --geometric`
// took 2-3 s of a 10k-resource ingest's close). Safe beside the writer and readers: the new
// pack is complete and durable (`.pack`, then `.idx`, then the folder fsynced) before any old
// one goes (its `.idx` first), and only packs listed at the start go, so a kill at any point
// leaves every object readable and packs written meanwhile untouched.
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LedgerError } from '../domain/errors.ts';
import { fsyncDirectory, writeFileDurably } from './durable-file.ts';
import { type CopiedEntries, copyPackEntries, PackOutput } from './pack-copy.ts';
import { hasMultiPackIndex, listPacks, type PackOnDisk, selectGeometric } from './pack-geometry.ts';
import { findName, indexHolds, type PackIndex, packIndexChunks, readPackIndex } from './pack-index-file.ts';
import { type LooseFile, type LooseObjects, listLooseObjects, readLooseObjects } from './pack-loose.ts';
import { type MergeOrder, mergeOrder } from './pack-merge-order.ts';
import { removeOrphanHints, writeHints } from './pack-hints.ts';
import { type HintPlan, planHints } from './pack-rollup-hints.ts';
import { TEMP_PREFIX } from './pack-writer.ts';

/** Points a test can stop at (as a kill would) to see that the repository stays whole. */
export type RollupStep = 'written' | 'pack-in-place' | 'index-in-place' | 'old-index-removed' | 'old-packs-removed';

export interface RollupOptions {
  /** The geometric factor (git's `--geometric=<n>`). */
  readonly factor?: number;
  readonly onStep?: (step: RollupStep) => void;
}

export interface RollupReport {
  /** Packs merged (removed), loose objects packed, objects in the new pack, copies dropped. */
  readonly packs: number;
  readonly loose: number;
  readonly objects: number;
  readonly duplicates: number;
  /** The new pack's checksum. */
  readonly pack: string;
}

/**
 * Merges the packs git's geometric rule picks, and the loose objects, into one new pack; null
 * when there is nothing to merge. Throws (leaving every pack in place) on a pack it cannot
 * merge: one with a `.promisor` or `.mtimes` file, with deltas on objects outside the merged
 * packs, or damaged; and when a multi-pack-index exists.
 */
export async function rollUpPacks(gitdir: string, options: RollupOptions = {}): Promise<RollupReport | null> {
  const packDir = join(gitdir, 'objects', 'pack');
  if (hasMultiPackIndex(packDir)) throw new LedgerError(`${packDir} has a multi-pack-index`);
  const packs = await listPacks(packDir);
  const chosen = selectGeometric(
    packs.filter((pack) => !pack.keep),
    options.factor ?? 2,
  ).sort((a, b) => b.objects - a.objects);
  const foreign = chosen.find((pack) => pack.foreign);
  if (foreign) throw new LedgerError(`${foreign.base}.pack is a promisor or cruft pack`);
  // As git's prune-packed: a loose object some pack staying holds is only removed.
  const { packed, unpacked } = await splitLoose(
    await listLooseObjects(gitdir),
    packs.filter((pack) => !chosen.includes(pack)),
  );
  if (unpacked.length === 0 && chosen.length < 2) {
    await removeLoose(packed);
    return null;
  }
  const loose = await readLooseObjects(unpacked);
  // Largest first: a copy is dropped from the later packs, which are then re-headed.
  const indexes = await Promise.all(chosen.map((pack) => readPackIndex(`${pack.base}.idx`)));
  const lists = [...indexes.map((index) => index.names), loose.names];
  const order = mergeOrder(lists);
  const hints = planHints(
    gitdir,
    chosen.map((pack) => pack.base),
    lists,
    order,
  );
  // git takes any `*.idx` beside a `.pack` for a pack: the index is not named so until it is whole.
  const temp = join(packDir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
  let name: string;
  try {
    name = await writeMerged(temp, chosen, indexes, loose, order, hints);
  } catch (error) {
    await Promise.all([
      unlink(`${temp}.pack`).catch(() => undefined),
      unlink(`${temp}.idx-tmp`).catch(() => undefined),
    ]);
    throw error;
  }
  options.onStep?.('written');
  const target = join(packDir, `pack-${name}`);
  await rename(`${temp}.pack`, `${target}.pack`);
  options.onStep?.('pack-in-place');
  await rename(`${temp}.idx-tmp`, `${target}.idx`);
  fsyncDirectory(packDir);
  options.onStep?.('index-in-place');
  try {
    writeHints(gitdir, name, hints.carried);
  } catch {
    // Only a smaller pack after a later roll-up is lost.
  }
  // A merge that dropped every other pack's copies is byte for byte one of the old packs: kept.
  for (const pack of chosen.filter((old) => old.checksum !== name)) {
    await removeQuietly(`${pack.base}.idx`);
    options.onStep?.('old-index-removed');
    for (const extension of ['.bitmap', '.rev', '.pack']) await removeQuietly(`${pack.base}${extension}`);
  }
  fsyncDirectory(packDir);
  options.onStep?.('old-packs-removed');
  await removeLoose([...packed, ...unpacked]);
  removeOrphanHints(gitdir);
  await refreshPackList(gitdir);
  return {
    packs: chosen.length,
    loose: unpacked.length,
    objects: order.source.length,
    duplicates: order.droppedCount,
    pack: name,
  };
}

/** Writes the merged pack and its index under `temp`, durably; returns the pack's checksum. */
async function writeMerged(
  temp: string,
  chosen: readonly PackOnDisk[],
  indexes: readonly PackIndex[],
  loose: LooseObjects,
  order: MergeOrder,
  hints: HintPlan,
): Promise<string> {
  const hasObject = (oid: Buffer) =>
    [...indexes.map((index) => index.names), loose.names].some((names) => findName(names, oid) >= 0);
  const file = await open(`${temp}.pack`, 'wx', 0o444);
  let copied: CopiedEntries[];
  let looseOffsets: Float64Array;
  let checksum: Buffer;
  try {
    const out = new PackOutput(file);
    const header = Buffer.from('PACK\0\0\0\x02\0\0\0\0', 'latin1');
    header.writeUInt32BE(order.source.length, 8);
    await out.write(header);
    copied = [];
    for (const [at, pack] of chosen.entries()) {
      const source = await open(`${pack.base}.pack`, 'r');
      try {
        const dropped = order.dropped[at] as Uint8Array;
        const droppedCount = dropped.reduce((sum, flag) => sum + flag, 0);
        const index = indexes[at] as PackIndex;
        const replace = hints.replace[at];
        const from = { path: `${pack.base}.pack`, index, dropped, droppedCount, ...(replace ? { replace } : {}) };
        copied.push(await copyPackEntries(from, source, out, hasObject));
      } finally {
        await source.close();
      }
    }
    looseOffsets = new Float64Array(loose.entries.length);
    const looseDropped = order.dropped[chosen.length] as Uint8Array;
    for (const [at, entry] of loose.entries.entries()) {
      if (looseDropped[at]) continue;
      looseOffsets[at] = out.position;
      await out.write(entry);
    }
    checksum = await out.finish();
    await file.sync();
  } finally {
    await file.close();
  }
  const count = order.source.length;
  const names = Buffer.allocUnsafe(count * 20);
  const crcs = Buffer.allocUnsafe(count * 4);
  const offsets = new Float64Array(count);
  for (let at = 0; at < count; at += 1) {
    const from = order.source[at] as number;
    const entry = order.entry[at] as number;
    if (from === chosen.length) {
      loose.names.copy(names, at * 20, entry * 20, entry * 20 + 20);
      loose.crcs.copy(crcs, at * 4, entry * 4, entry * 4 + 4);
      offsets[at] = looseOffsets[entry] as number;
      continue;
    }
    const index = indexes[from] as PackIndex;
    const moved = copied[from] as CopiedEntries;
    index.names.copy(names, at * 20, entry * 20, entry * 20 + 20);
    if ('shift' in moved) {
      index.crcs.copy(crcs, at * 4, entry * 4, entry * 4 + 4);
      offsets[at] = (index.offsets[entry] as number) + moved.shift;
    } else {
      moved.crcs.copy(crcs, at * 4, entry * 4, entry * 4 + 4);
      offsets[at] = moved.offsets[entry] as number;
    }
  }
  await writeSyncedChunks(`${temp}.idx-tmp`, packIndexChunks(names, crcs, offsets, checksum));
  return checksum.toString('hex');
}

async function writeSyncedChunks(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const file: FileHandle = await open(path, 'wx', 0o444);
  try {
    for (const chunk of chunks) {
      let at = 0;
      while (at < chunk.length) at += (await file.write(chunk, at, chunk.length - at)).bytesWritten;
    }
    await file.sync();
  } finally {
    await file.close();
  }
}

async function splitLoose(
  loose: readonly LooseFile[],
  staying: readonly PackOnDisk[],
): Promise<{ readonly packed: LooseFile[]; readonly unpacked: LooseFile[] }> {
  const packed: LooseFile[] = [];
  const unpacked: LooseFile[] = [];
  for (const file of loose) {
    const oid = Buffer.from(file.oid, 'hex');
    let isPacked = false;
    for (const pack of staying) if (!isPacked) isPacked = await indexHolds(`${pack.base}.idx`, oid);
    (isPacked ? packed : unpacked).push(file);
  }
  return { packed, unpacked };
}

/** `objects/info/packs` (for dumb HTTP), which git's repack rewrites, when an earlier repack left one. */
async function refreshPackList(gitdir: string): Promise<void> {
  const path = join(gitdir, 'objects', 'info', 'packs');
  if (!existsSync(path)) return;
  const packs = await listPacks(join(gitdir, 'objects', 'pack'));
  writeFileDurably(path, `${packs.map((pack) => `P ${basename(pack.base)}.pack\n`).join('')}\n`);
}

async function removeLoose(files: readonly LooseFile[]): Promise<void> {
  for (const { path } of files) await removeQuietly(path);
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
