// Assembles a packfile (v2) and its `.idx` (v2) one entry at a time, in the order the objects
// were staged: each entry is compressed and written into large segments as it arrives, so that
// finishing the pack only hashes the segments and writes the index. Runs in the pack worker
// (pack-worker.ts) beside the writer, and in buildPack.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { packIndexChunks } from './pack-index-file.ts';
import { deflateBound, deflateInto } from './zlib-engine.ts';
import { writeZlibStored, zlibStoredLength } from './zlib-stored.ts';
import type { ObjectType } from './objects.ts';

export type EntryType = ObjectType | 'ofs-delta';

export const TYPE_CODES: Record<EntryType, number> = { commit: 1, tree: 2, blob: 3, 'ofs-delta': 6 };

/**
 * Entries this long (a blob's or a commit's changed lines, the first version of a tree or a
 * commit in the pack) are deflated, since `git repack` reuses them as they are. Shorter ones
 * (most tree deltas: a few changed ids) would not shrink by the bytes zlib costs.
 */
const DEFLATE_FROM = 128;
/** Entries are written into segments of this size (a larger entry gets a segment of its own). */
const SEGMENT_BYTES = 1 << 20;
/** An entry's type-and-size header and its base distance take at most this many bytes. */
const MAX_PREFIX = 24;

/** A pack and its index, built in memory, not yet on disk. */
export interface BuiltPack {
  /** The pack's checksum, which names its files. */
  readonly name: string;
  /** The pack's bytes, in order. */
  readonly pack: readonly Uint8Array[];
  readonly idx: Buffer;
}

export class PackAssembler {
  readonly #segments: Buffer[] = [];
  #segment = Buffer.allocUnsafeSlow(SEGMENT_BYTES);
  #used = 0;
  /** The pack offset where the current segment starts. */
  #segmentOffset = 12;
  #oids = Buffer.allocUnsafeSlow(20 * 1024);
  #offsets: number[] = [];
  #crcs: number[] = [];

  get count(): number {
    return this.#offsets.length;
  }

  /**
   * Appends one entry: an object of `type` and `size` whole, or (with `base`, the index of an
   * earlier entry of this pack) an OFS_DELTA whose delta data is `size` bytes long. `data` is
   * those bytes, or with `deflated` already their zlib stream.
   */
  add(type: ObjectType, oid: Uint8Array, base: number, size: number, data: Uint8Array, deflated: boolean): void {
    const compress = !deflated && data.length >= DEFLATE_FROM;
    const room = deflated ? data.length : compress ? deflateBound(data.length) : zlibStoredLength(data.length);
    this.#reserve(MAX_PREFIX + room);
    const offset = this.#segmentOffset + this.#used;
    const segment = this.#segment;
    const start = this.#used;
    let at = writeEntryHeader(segment, start, base >= 0 ? TYPE_CODES['ofs-delta'] : TYPE_CODES[type], size);
    if (base >= 0) at = writeOffset(segment, at, offset - (this.#offsets[base] as number));
    if (deflated) {
      segment.set(data, at);
      at += data.length;
    } else if (compress) at = deflateInto(data, segment, at);
    else at = writeZlibStored(data, segment, at);
    this.#used = at;
    const index = this.#offsets.length;
    if ((index + 1) * 20 > this.#oids.length) {
      const grown = Buffer.allocUnsafeSlow(this.#oids.length * 2);
      this.#oids.copy(grown);
      this.#oids = grown;
    }
    this.#oids.set(oid, index * 20);
    this.#offsets.push(offset);
    this.#crcs.push(crc32(segment.subarray(start, at)));
  }

  #reserve(bytes: number): void {
    if (this.#used + bytes <= this.#segment.length) return;
    this.#segments.push(this.#segment.subarray(0, this.#used));
    this.#segmentOffset += this.#used;
    this.#segment = Buffer.allocUnsafeSlow(Math.max(SEGMENT_BYTES, bytes));
    this.#used = 0;
  }

  /** The pack (header, entries, checksum) and its index. */
  finish(): BuiltPack {
    const count = this.count;
    const header = Buffer.alloc(12);
    header.write('PACK', 0, 'latin1');
    header.writeUInt32BE(2, 4);
    header.writeUInt32BE(count, 8);
    const chunks: Uint8Array[] = [header, ...this.#segments, this.#segment.subarray(0, this.#used)];
    const packHash = createHash('sha1');
    for (const chunk of chunks) packHash.update(chunk);
    const packSum = packHash.digest();
    chunks.push(packSum);
    return { name: packSum.toString('hex'), pack: chunks, idx: this.#index(packSum) };
  }

  #index(packSum: Buffer): Buffer {
    const count = this.count;
    const oids = this.#oids;
    const order = Array.from({ length: count }, (_, index) => index);
    // The first 6 bytes of each id as a number decide almost every comparison without a call into C++.
    const keys = new Float64Array(count);
    for (let index = 0; index < count; index += 1) keys[index] = oids.readUIntBE(index * 20, 6);
    order.sort(
      (a, b) =>
        (keys[a] as number) - (keys[b] as number) || oids.compare(oids, b * 20, b * 20 + 20, a * 20, a * 20 + 20),
    );
    const names = Buffer.allocUnsafe(count * 20);
    const crcs = Buffer.allocUnsafe(count * 4);
    const offsets = new Float64Array(count);
    order.forEach((entry, index) => {
      oids.copy(names, index * 20, entry * 20, entry * 20 + 20);
      crcs.writeUInt32BE(this.#crcs[entry] as number, index * 4);
      offsets[index] = this.#offsets[entry] as number;
    });
    return Buffer.concat(packIndexChunks(names, crcs, offsets, packSum));
  }
}

/** An entry's type and size: 4 bits of size in the first byte, 7 more in each continuation. */
export function writeEntryHeader(out: Buffer, at: number, typeCode: number, size: number): number {
  let byte = (typeCode << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  let next = at;
  while (rest > 0) {
    out[next++] = byte | 0x80;
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  out[next++] = byte;
  return next;
}

/** The distance back to a delta's base, in git's OFS_DELTA encoding (big-endian, +1 per continuation). */
function writeOffset(out: Buffer, at: number, distance: number): number {
  let rest = distance;
  const bytes = [rest & 0x7f];
  while ((rest = Math.floor(rest / 128)) > 0) {
    rest -= 1;
    bytes.push(0x80 | (rest & 0x7f));
  }
  for (let i = bytes.length - 1; i >= 0; i -= 1) out[at + bytes.length - 1 - i] = bytes[i] as number;
  return at + bytes.length;
}
