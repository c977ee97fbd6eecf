// Writes objects as one packfile (v2) with its `.idx` (v2), durably: temp names, fsync, the
// `.pack` renamed before the `.idx` (git and isomorphic-git only see a pack once its index
// exists), then the directory fsynced. An object offering a delta against an object earlier in
// the same pack (a tree, blob or commit against its previous version) is stored as OFS_DELTA,
// chains capped at git's default depth of 50; the rest whole. `git repack` reuses these deltas
// and searches deltas only for the objects stored whole. The writer streams its objects to the
// pack worker as it stages them (pack-stream.ts); buildPack assembles a list in one go.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDirectory } from './durable-file.ts';
import { type BuiltPack, PackAssembler } from './pack-assembler.ts';
import type { GitObject } from './objects.ts';

export type { BuiltPack } from './pack-assembler.ts';

/** A staged object that keeps only its delta (object-store.ts): it can be written only as that delta. */
export type PackObject = GitObject & { readonly contentDropped?: boolean };

/** Temporary names of packs being written; any left behind by a crash is removed at open. */
export const TEMP_PREFIX = 'gitrail-tmp-';

export const MAX_DELTA_DEPTH = 50;

/** Builds the pack and index of `objects` (unique oids) in memory. */
export function buildPack(objects: readonly PackObject[]): BuiltPack {
  const assembler = new PackAssembler();
  const written = new Map<string, { index: number; depth: number }>();
  for (const object of objects) {
    const oid = Buffer.from(object.oid, 'hex');
    const base = object.delta ? written.get(object.delta.base) : undefined;
    if (object.delta && base && base.depth < MAX_DELTA_DEPTH) {
      written.set(object.oid, { index: assembler.count, depth: base.depth + 1 });
      assembler.add(object.type, oid, base.index, object.delta.data.length, object.delta.data, false);
      continue;
    }
    if (object.contentDropped)
      throw new Error(`pack entry ${object.oid}: its delta base is not in the pack, and its content was dropped`);
    written.set(object.oid, { index: assembler.count, depth: 0 });
    const data = object.deflated ?? object.content;
    assembler.add(object.type, oid, -1, object.content.length, data, object.deflated !== undefined);
  }
  return assembler.finish();
}

function writeChunksSynced(path: string, chunks: readonly Uint8Array[]): void {
  const fd = openSync(path, 'wx', 0o444);
  try {
    for (const chunk of chunks) {
      let at = 0;
      while (at < chunk.length) at += writeSync(fd, chunk, at, chunk.length - at);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Puts a built pack in place durably: temp names, fsync, `.pack` renamed before `.idx`, directory fsynced. */
export function storePack(packDir: string, built: BuiltPack): void {
  const temp = join(packDir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
  writeChunksSynced(`${temp}.pack`, built.pack);
  // Not `.idx`: git takes any `*.idx` beside its `.pack` for a pack, even one still being written.
  writeChunksSynced(`${temp}.idx-tmp`, [built.idx]);
  renameSync(`${temp}.pack`, join(packDir, `pack-${built.name}.pack`));
  renameSync(`${temp}.idx-tmp`, join(packDir, `pack-${built.name}.idx`));
  fsyncDirectory(packDir);
}
