// Copies the entries of one pack into the pack a roll-up writes (pack-rollup.ts). A pack's
// entries are copied unchanged and in order, so an OFS_DELTA's distance back to its base stays
// right; the old pack's checksum is verified on the way. When entries are dropped (objects the
// merged pack holds already), the entries after them are re-headed: a delta whose base was
// dropped becomes a REF_DELTA naming the base, whose kept copy is in the merged pack. A whole
// entry may be replaced by a delta the writer kept for it (pack-hints.ts), re-heading those after.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { LedgerError } from '../domain/errors.ts';
import type { PackIndex } from './pack-index-file.ts';

const CHUNK_BYTES = 1 << 20;
const OBJ_OFS_DELTA = 6;
const OBJ_REF_DELTA = 7;

/** Where a source's entries went: every offset moved by `shift`, or each entry's own offset and CRC. */
export type CopiedEntries = { readonly shift: number } | { readonly offsets: Float64Array; readonly crcs: Buffer };

/** The merged pack being written: its bytes go to the file and into its checksum. */
export class PackOutput {
  readonly hash = createHash('sha1');
  position = 0;
  readonly #file: FileHandle;
  readonly #buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #used = 0;

  constructor(file: FileHandle) {
    this.#file = file;
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.hash.update(bytes);
    this.position += bytes.length;
    if (this.#used + bytes.length > this.#buffer.length) await this.flush();
    if (bytes.length >= this.#buffer.length) await writeAll(this.#file, bytes);
    else {
      this.#buffer.set(bytes, this.#used);
      this.#used += bytes.length;
    }
  }

  /** Writes the checksum of what was written after it, and returns it. */
  async finish(): Promise<Buffer> {
    const checksum = this.hash.digest();
    await this.flush();
    await writeAll(this.#file, checksum);
    return checksum;
  }

  async flush(): Promise<void> {
    await writeAll(this.#file, this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }
}

async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += (await file.write(bytes, at, bytes.length - at)).bytesWritten;
}

/** Reads a pack file front to back, hashing every byte as it goes (the trailer excepted). */
class PackReader {
  readonly hash = createHash('sha1');
  readonly #file: FileHandle;
  readonly #end: number;
  #buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  /** The file position of buffer[0], and the valid bytes from there. */
  #start = 0;
  #valid = 0;
  position = 0;

  constructor(file: FileHandle, end: number) {
    this.#file = file;
    this.#end = end;
  }

  /** At least `want` bytes from the current position (fewer only at the end), without consuming them. */
  async peek(want: number): Promise<Buffer> {
    const at = this.position - this.#start;
    if (at + want > this.#valid && this.#start + this.#valid < this.#end) {
      // The pieces handed out before were consumed (awaited): the buffer can be reused.
      const keep = this.#valid - at;
      if (want > this.#buffer.length) {
        const grown = Buffer.allocUnsafe(want);
        this.#buffer.copy(grown, 0, at, this.#valid);
        this.#buffer = grown;
      } else this.#buffer.copyWithin(0, at, this.#valid);
      const buffer = this.#buffer;
      this.#start = this.position;
      const room = Math.min(buffer.length - keep, this.#end - (this.#start + keep));
      let read = 0;
      while (read < room) {
        const { bytesRead } = await this.#file.read(buffer, keep + read, room - read, this.#start + keep + read);
        if (bytesRead === 0) throw new LedgerError('a pack file ended early');
        read += bytesRead;
      }
      this.hash.update(buffer.subarray(keep, keep + read));
      this.#valid = keep + read;
    }
    return this.#buffer.subarray(this.position - this.#start, this.#valid);
  }

  /** Hands the next `length` bytes to `sink` piece by piece. */
  async take(length: number, sink: (piece: Buffer) => Promise<void> | void): Promise<void> {
    let left = length;
    while (left > 0) {
      const available = await this.peek(1);
      if (available.length === 0) throw new LedgerError('a pack file ended early');
      const piece = available.subarray(0, Math.min(left, available.length));
      this.position += piece.length;
      left -= piece.length;
      await sink(piece);
    }
  }
}

export interface SourcePack {
  readonly path: string;
  readonly index: PackIndex;
  /** 1 for each entry (in `.idx` order) not to copy. */
  readonly dropped: Uint8Array;
  readonly droppedCount: number;
  /** Whole entries (by `.idx` position) to write as these entries instead: deltas (pack-hints.ts). */
  readonly replace?: ReadonlyMap<number, Buffer>;
}

/**
 * Appends the entries of `source` to `out`. `hasObject` says whether the merged pack holds an
 * object (a REF_DELTA's base must be in it: a pack whose deltas reach outside is not merged).
 */
export async function copyPackEntries(
  source: SourcePack,
  file: FileHandle,
  out: PackOutput,
  hasObject: (oid: Buffer) => boolean,
): Promise<CopiedEntries> {
  const { size } = await file.stat();
  const { index } = source;
  const reader = new PackReader(file, size - 20);
  const head = await reader.peek(12);
  if (head.toString('latin1', 0, 4) !== 'PACK' || ![2, 3].includes(head.readUInt32BE(4)))
    throw new LedgerError(`${source.path} is not a pack`);
  if (head.readUInt32BE(8) !== index.count)
    throw new LedgerError(`${source.path} holds ${head.readUInt32BE(8)} objects, its index ${index.count}`);
  reader.position = 12;
  const sorted = new Float64Array(index.offsets).sort();
  const copied =
    source.droppedCount === 0 && !source.replace?.size
      ? await copyWhole(reader, sorted, size - 20, out, source, file, hasObject)
      : await copyDropping(reader, sorted, size - 20, out, source);
  const trailer = Buffer.alloc(20);
  await file.read(trailer, 0, 20, size - 20);
  if (!reader.hash.digest().equals(trailer) || !trailer.equals(index.packChecksum))
    throw new LedgerError(`${source.path}: checksum mismatch`);
  return copied;
}

async function copyWhole(
  reader: PackReader,
  sorted: Float64Array,
  end: number,
  out: PackOutput,
  source: SourcePack,
  file: FileHandle,
  hasObject: (oid: Buffer) => boolean,
): Promise<CopiedEntries> {
  const shift = out.position - 12;
  const refDeltas: number[] = [];
  let next = 0;
  await reader.take(end - 12, async (piece) => {
    const pieceStart = reader.position - piece.length;
    while (next < sorted.length && (sorted[next] as number) < reader.position) {
      const type = ((piece[(sorted[next] as number) - pieceStart] as number) >> 4) & 7;
      if (type === OBJ_REF_DELTA) refDeltas.push(sorted[next] as number);
      else if (type === 0 || type === 5) throw new LedgerError(`${source.path}: bad entry type ${type}`);
      next += 1;
    }
    await out.write(piece);
  });
  for (const offset of refDeltas) {
    const head = Buffer.alloc(32);
    await file.read(head, 0, 32, offset);
    let at = 1;
    while ((head[at - 1] as number) & 0x80) at += 1;
    if (!hasObject(head.subarray(at, at + 20)))
      throw new LedgerError(`${source.path}: a delta's base ${head.toString('hex', at, at + 20)} is in no merged pack`);
  }
  return { shift };
}

async function copyDropping(
  reader: PackReader,
  sorted: Float64Array,
  end: number,
  out: PackOutput,
  source: SourcePack,
): Promise<CopiedEntries> {
  const { index, dropped } = source;
  const byOffset = new Uint32Array(index.count).map((_, at) => at);
  byOffset.sort((a, b) => (index.offsets[a] as number) - (index.offsets[b] as number));
  const offsets = new Float64Array(index.count);
  const crcs = Buffer.allocUnsafe(index.count * 4);
  for (let k = 0; k < sorted.length; k += 1) {
    const entry = byOffset[k] as number;
    const offset = sorted[k] as number;
    const length = (k + 1 < sorted.length ? (sorted[k + 1] as number) : end) - offset;
    const head = await reader.peek(Math.min(length, 32));
    const type = ((head[0] as number) >> 4) & 7;
    let at = 1;
    while ((head[at - 1] as number) & 0x80) at += 1;
    const sizeBytes = at;
    let base = -1;
    if (type === OBJ_OFS_DELTA) {
      let byte = head[at++] as number;
      let distance = byte & 0x7f;
      while (byte & 0x80) {
        byte = head[at++] as number;
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      base = byOffset[findOffset(sorted, offset - distance, source.path)] as number;
    } else if (type === OBJ_REF_DELTA) at += 20;
    if (dropped[entry]) {
      await reader.take(length, () => undefined);
      continue;
    }
    offsets[entry] = out.position;
    const replacement = type >= 1 && type <= 4 ? source.replace?.get(entry) : undefined;
    if (replacement) {
      await out.write(replacement);
      crcs.writeUInt32BE(crc32(replacement) >>> 0, entry * 4);
      await reader.take(length, () => undefined);
      continue;
    }
    let header: Buffer | null = null;
    if (base >= 0 && dropped[base]) {
      header = Buffer.concat([head.subarray(0, sizeBytes), index.names.subarray(base * 20, base * 20 + 20)]);
      header[0] = ((header[0] as number) & 0x8f) | (OBJ_REF_DELTA << 4);
    } else if (base >= 0) {
      const distance = out.position - (offsets[base] as number);
      if (distance !== offset - (index.offsets[base] as number))
        header = Buffer.concat([head.subarray(0, sizeBytes), encodeOffset(distance)]);
    }
    if (!header) {
      index.crcs.copy(crcs, entry * 4, entry * 4, entry * 4 + 4);
      await reader.take(length, (piece) => out.write(piece));
      continue;
    }
    let crc = crc32(header);
    await out.write(header);
    reader.position += at;
    await reader.take(length - at, (piece) => {
      crc = crc32(piece, crc);
      return out.write(piece);
    });
    crcs.writeUInt32BE(crc >>> 0, entry * 4);
  }
  return { offsets, crcs };
}

function findOffset(sorted: Float64Array, offset: number, path: string): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = sorted[middle] as number;
    if (value === offset) return middle;
    if (value < offset) low = middle + 1;
    else high = middle - 1;
  }
  throw new LedgerError(`${path}: a delta's base at offset ${offset} is not an entry`);
}

/** A delta's distance back to its base, in git's OFS_DELTA encoding (big-endian, +1 per continuation). */
export function encodeOffset(distance: number): Buffer {
  let rest = distance;
  const bytes = [rest & 0x7f];
  while ((rest = Math.floor(rest / 128)) > 0) {
    rest -= 1;
    bytes.push(0x80 | (rest & 0x7f));
  }
  return Buffer.from(bytes.reverse());
}
