// Pack index files (`.idx`, version 2) read whole and written from parts, for the pack roll-up
// (pack-rollup.ts): object ids sorted, a CRC32 and an offset per entry, offsets of 2 GiB and
// more in a 64-bit table, then the pack's checksum and the index's own.
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { LedgerError } from '../domain/errors.ts';

const IDX_MAGIC = Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]);
const FANOUT_END = 8 + 256 * 4;

export interface PackIndex {
  readonly count: number;
  /** The object ids, sorted, 20 bytes each. */
  readonly names: Buffer;
  /** The CRC32 of each entry's bytes in the pack, big-endian, 4 bytes each. */
  readonly crcs: Buffer;
  /** Each entry's offset in the pack. */
  readonly offsets: Float64Array;
  /** The checksum the pack ends with. */
  readonly packChecksum: Buffer;
}

/** The number of objects a `.idx` lists, from its fanout table (the first 1,032 bytes). */
export function indexedCount(head: Buffer, path: string): number {
  if (head.length < FANOUT_END || !head.subarray(0, 8).equals(IDX_MAGIC))
    throw new LedgerError(`${path} is not a version 2 pack index`);
  return head.readUInt32BE(FANOUT_END - 4);
}

export async function readPackIndex(path: string): Promise<PackIndex> {
  const bytes = await readFile(path);
  const count = indexedCount(bytes, path);
  const names = bytes.subarray(FANOUT_END, FANOUT_END + count * 20);
  const crcs = bytes.subarray(FANOUT_END + count * 20, FANOUT_END + count * 24);
  const small = FANOUT_END + count * 24;
  const large = small + count * 4;
  const offsets = new Float64Array(count);
  let largeCount = 0;
  for (let index = 0; index < count; index += 1) {
    const offset = bytes.readUInt32BE(small + index * 4);
    if (offset < 0x80000000) offsets[index] = offset;
    else {
      const at = large + (offset & 0x7fffffff) * 8;
      if (at + 8 > bytes.length - 40) throw new LedgerError(`${path}: a large offset points past its table`);
      offsets[index] = Number(bytes.readBigUInt64BE(at));
      largeCount = Math.max(largeCount, (offset & 0x7fffffff) + 1);
    }
  }
  if (bytes.length !== large + largeCount * 8 + 40) throw new LedgerError(`${path}: unexpected length ${bytes.length}`);
  const sum = createHash('sha1')
    .update(bytes.subarray(0, bytes.length - 20))
    .digest();
  if (!sum.equals(bytes.subarray(bytes.length - 20))) throw new LedgerError(`${path}: checksum mismatch`);
  return { count, names, crcs, offsets, packChecksum: bytes.subarray(bytes.length - 40, bytes.length - 20) };
}

/**
 * The `.idx` of a pack whose entries are `names` (sorted, unique), `crcs` and `offsets`, as the
 * chunks of the file in order; `git index-pack` writes the same bytes for that pack.
 */
export function packIndexChunks(names: Buffer, crcs: Buffer, offsets: Float64Array, packChecksum: Buffer): Buffer[] {
  const count = offsets.length;
  const fanout = Buffer.alloc(256 * 4);
  let below = 0;
  for (let first = 0; first < 256; first += 1) {
    while (below < count && names[below * 20] === first) below += 1;
    fanout.writeUInt32BE(below, first * 4);
  }
  const small = Buffer.allocUnsafe(count * 4);
  const large: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const offset = offsets[index] as number;
    if (offset < 0x80000000) small.writeUInt32BE(offset, index * 4);
    else {
      small.writeUInt32BE((0x80000000 | large.length) >>> 0, index * 4);
      large.push(offset);
    }
  }
  const largeOffsets = Buffer.alloc(large.length * 8);
  large.forEach((offset, index) => largeOffsets.writeBigUInt64BE(BigInt(offset), index * 8));
  const chunks = [IDX_MAGIC, fanout, names, crcs, small, largeOffsets, packChecksum];
  const hash = createHash('sha1');
  for (const chunk of chunks) hash.update(chunk);
  chunks.push(hash.digest());
  return chunks;
}

/** Whether the `.idx` at `path` lists `oid`: its fanout, then a binary search of that range only. */
export async function indexHolds(path: string, oid: Buffer): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const fanout = Buffer.alloc(8);
    const first = oid[0] as number;
    await file.read(fanout, 0, 8, 8 + (first - 1) * 4);
    const low = first === 0 ? 0 : fanout.readUInt32BE(0);
    const high = fanout.readUInt32BE(4);
    if (high <= low) return false;
    const names = Buffer.alloc((high - low) * 20);
    await file.read(names, 0, names.length, FANOUT_END + low * 20);
    return findName(names, oid) >= 0;
  } finally {
    await file.close();
  }
}

/** The position of `oid` in a sorted table of 20-byte ids, or -1. */
export function findName(names: Buffer, oid: Buffer): number {
  let low = 0;
  let high = names.length / 20 - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = names.compare(oid, 0, 20, middle * 20, middle * 20 + 20);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
