// Writes objects as one packfile (v2) with its `.idx` (v2), durably: temp names, fsync, the
// `.pack` renamed before the `.idx` (git and isomorphic-git only see a pack once its index
// exists), then the directory fsynced. An object offering a delta against an object earlier in
// the same pack (a tree, blob or commit against its previous version) is stored as OFS_DELTA,
// chains capped at git's default depth of 50; the rest whole. `git repack` reuses these deltas
// and searches deltas only for the objects stored whole.
import { createHash, randomBytes } from 'node:crypto';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { fsyncDirectory, writeSynced } from './durable-file.ts';
import { zlibStored } from './zlib-stored.ts';
import type { GitObject, ObjectType } from './objects.ts';

/** A staged object that keeps only its delta (object-store.ts): it can be written only as that delta. */
export type PackObject = GitObject & { readonly contentDropped?: boolean };

/** Temporary names of packs being written; any left behind by a crash is removed at open. */
export const TEMP_PREFIX = 'gitrail-tmp-';

const TYPE_CODES: Record<ObjectType | 'ofs-delta', number> = { commit: 1, tree: 2, blob: 3, 'ofs-delta': 6 };
export const MAX_DELTA_DEPTH = 50;
/**
 * Entries this long (a blob's or a commit's changed lines, the first version of a tree or a
 * commit in the pack) are deflated, since `git repack` reuses them as they are. Shorter ones
 * (most tree deltas: a few changed ids) would not shrink by the bytes zlib costs.
 */
const DEFLATE_FROM = 128;

/** zlib data of an entry. zlib's sync result is a view into a 64 KiB buffer: copied out, not to pin it. */
function zlibData(data: Uint8Array): Uint8Array {
  return data.length >= DEFLATE_FROM ? new Uint8Array(deflateSync(data, { level: 1 })) : zlibStored(data);
}

function entryHeader(type: ObjectType | 'ofs-delta', size: number): Buffer {
  const bytes: number[] = [];
  let byte = (TYPE_CODES[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/** The distance back to a delta's base, in git's OFS_DELTA encoding (big-endian, +1 per continuation). */
function offsetEncoding(distance: number): Buffer {
  let rest = distance;
  const bytes = [rest & 0x7f];
  while ((rest = Math.floor(rest / 128)) > 0) {
    rest -= 1;
    bytes.unshift(0x80 | (rest & 0x7f));
  }
  return Buffer.from(bytes);
}

/** The bytes of one pack entry (its header, and for a delta the base distance, then zlib data). */
function packEntry(
  object: PackObject,
  offset: number,
  written: ReadonlyMap<string, { offset: number; depth: number }>,
): { bytes: Uint8Array[]; depth: number } {
  const base = object.delta ? written.get(object.delta.base) : undefined;
  if (object.delta && base && base.depth < MAX_DELTA_DEPTH) {
    const data = object.delta.data;
    return {
      bytes: [entryHeader('ofs-delta', data.length), offsetEncoding(offset - base.offset), zlibData(data)],
      depth: base.depth + 1,
    };
  }
  if (object.contentDropped)
    throw new Error(`pack entry ${object.oid}: its delta base is not in the pack, and its content was dropped`);
  return {
    bytes: [entryHeader(object.type, object.content.length), object.deflated ?? zlibData(object.content)],
    depth: 0,
  };
}

/** A pack and its index, built in memory, not yet on disk. */
export interface BuiltPack {
  /** The pack's checksum, which names its files. */
  readonly name: string;
  readonly pack: Buffer;
  readonly idx: Buffer;
}

/** Builds the pack and index of `objects` (unique oids) in memory. */
export function buildPack(objects: readonly PackObject[]): BuiltPack {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const chunks: Uint8Array[] = [header];
  const packHash = createHash('sha1').update(header);
  const entries: Array<{ oid: Buffer; offset: number; crc: number }> = [];
  const written = new Map<string, { offset: number; depth: number }>();
  let offset = header.length;
  for (const object of objects) {
    const entry = packEntry(object, offset, written);
    let crc = 0;
    for (const bytes of entry.bytes) {
      crc = crc32(bytes, crc);
      packHash.update(bytes);
      chunks.push(bytes);
    }
    entries.push({ oid: Buffer.from(object.oid, 'hex'), offset, crc });
    written.set(object.oid, { offset, depth: entry.depth });
    for (const bytes of entry.bytes) offset += bytes.length;
  }
  const packSum = packHash.digest();
  chunks.push(packSum);

  entries.sort((a, b) => Buffer.compare(a.oid, b.oid));
  const fanout = Buffer.alloc(256 * 4);
  let count = 0;
  for (let first = 0; first < 256; first += 1) {
    while (count < entries.length && (entries[count] as { oid: Buffer }).oid[0] === first) count += 1;
    fanout.writeUInt32BE(count, first * 4);
  }
  const large = entries.filter((entry) => entry.offset >= 0x80000000);
  const crcs = Buffer.alloc(entries.length * 4);
  const offsets = Buffer.alloc(entries.length * 4);
  const largeOffsets = Buffer.alloc(large.length * 8);
  let largeIndex = 0;
  entries.forEach((entry, index) => {
    crcs.writeUInt32BE(entry.crc, index * 4);
    if (entry.offset < 0x80000000) offsets.writeUInt32BE(entry.offset, index * 4);
    else {
      offsets.writeUInt32BE((0x80000000 | largeIndex) >>> 0, index * 4);
      largeOffsets.writeBigUInt64BE(BigInt(entry.offset), largeIndex * 8);
      largeIndex += 1;
    }
  });
  const idxHead = Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]);
  const idxBody = [idxHead, fanout, ...entries.map((entry) => entry.oid), crcs, offsets, largeOffsets, packSum];
  const idxHash = createHash('sha1');
  for (const chunk of idxBody) idxHash.update(chunk);
  idxBody.push(idxHash.digest());

  return { name: packSum.toString('hex'), pack: Buffer.concat(chunks), idx: Buffer.concat(idxBody) };
}

/** Puts a built pack in place durably: temp names, fsync, `.pack` renamed before `.idx`, directory fsynced. */
export function storePack(
  packDir: string,
  built: { readonly name: string; readonly pack: Uint8Array; readonly idx: Uint8Array },
): void {
  const temp = join(packDir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
  writeSynced(`${temp}.pack`, built.pack, { flag: 'wx', mode: 0o444 });
  writeSynced(`${temp}.idx`, built.idx, { flag: 'wx', mode: 0o444 });
  renameSync(`${temp}.pack`, join(packDir, `pack-${built.name}.pack`));
  renameSync(`${temp}.idx`, join(packDir, `pack-${built.name}.idx`));
  fsyncDirectory(packDir);
}
