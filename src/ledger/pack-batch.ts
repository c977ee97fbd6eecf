// The pack entries the writer streams to the pack worker, many to a message (one transferred
// buffer, not an object per entry): per entry a fixed head (type, whether its data is zlib
// already, base index, size, data length, object id) followed by its data.
import type { ObjectType } from './objects.ts';

const HEAD_BYTES = 36;
const TYPES: readonly ObjectType[] = ['commit', 'tree', 'blob'];

/** One pack entry as PackAssembler.add takes it. */
export type EntryHandler = (
  type: ObjectType,
  oid: Uint8Array,
  base: number,
  size: number,
  data: Uint8Array,
  deflated: boolean,
) => void;

export class EntryBatch {
  readonly #capacity: number;
  #buffer: Buffer;
  #used = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#buffer = Buffer.from(new ArrayBuffer(capacity));
  }

  get bytes(): number {
    return this.#used;
  }

  add(type: ObjectType, oid: string, base: number, size: number, data: Uint8Array, deflated: boolean): void {
    const need = HEAD_BYTES + data.length;
    if (this.#used + need > this.#buffer.length) {
      const grown = Buffer.from(new ArrayBuffer(Math.max(this.#buffer.length * 2, this.#used + need)));
      this.#buffer.copy(grown, 0, 0, this.#used);
      this.#buffer = grown;
    }
    const buffer = this.#buffer;
    const at = this.#used;
    buffer[at] = TYPES.indexOf(type);
    buffer[at + 1] = deflated ? 1 : 0;
    buffer.writeInt32LE(base, at + 4);
    buffer.writeUInt32LE(size, at + 8);
    buffer.writeUInt32LE(data.length, at + 12);
    buffer.write(oid, at + 16, 20, 'hex');
    buffer.set(data, at + HEAD_BYTES);
    this.#used = at + need;
  }

  /** The entries so far, as a buffer to transfer; the batch starts again empty. */
  take(): { readonly buffer: ArrayBuffer; readonly length: number } {
    const taken = { buffer: this.#buffer.buffer as ArrayBuffer, length: this.#used };
    this.#buffer = Buffer.from(new ArrayBuffer(this.#capacity));
    this.#used = 0;
    return taken;
  }
}

/** Calls `onEntry` for each entry of a batch, in order. */
export function readEntries(buffer: ArrayBuffer, length: number, onEntry: EntryHandler): void {
  const bytes = Buffer.from(buffer, 0, length);
  let at = 0;
  while (at < length) {
    const type = TYPES[bytes[at] as number];
    if (!type) throw new Error(`pack batch: unknown entry type ${bytes[at]} at byte ${at}`);
    const dataLength = bytes.readUInt32LE(at + 12);
    const data = bytes.subarray(at + HEAD_BYTES, at + HEAD_BYTES + dataLength);
    const oid = bytes.subarray(at + 16, at + 36);
    onEntry(type, oid, bytes.readInt32LE(at + 4), bytes.readUInt32LE(at + 8), data, bytes[at + 1] === 1);
    at += HEAD_BYTES + dataLength;
  }
}
