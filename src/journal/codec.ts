// The journal's on-disk entry: a 24-byte header (payload length, CRC-32 of everything after
// the CRC, sequence number, receive time) and the JSON of one ChangeBatch. The CRC tells a
// torn tail (crash mid-write) from a complete entry.
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 24;
/** Larger than any body an intake route accepts; a bigger length can only be damage. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024 * 1024;

export interface EncodedMeta {
  readonly seq: number;
  readonly receivedAt: number;
}

export function encodeEntry(meta: EncodedMeta, payload: Uint8Array): Buffer {
  const entry = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  entry.writeUInt32BE(payload.length, 0);
  entry.writeBigUInt64BE(BigInt(meta.seq), 8);
  entry.writeDoubleBE(meta.receivedAt, 16);
  entry.set(payload, HEADER_BYTES);
  entry.writeUInt32BE(crc32(entry.subarray(8)), 4);
  return entry;
}

export type Decoded =
  | {
      readonly kind: 'entry';
      readonly seq: number;
      readonly receivedAt: number;
      readonly payload: Buffer;
      readonly size: number;
    }
  /** The buffer ends inside the entry; `size` is the whole entry's size when the header is complete. */
  | { readonly kind: 'incomplete'; readonly size: number | null }
  | { readonly kind: 'corrupt'; readonly reason: string };

/** Decodes the entry starting at `offset` of `buffer`. */
export function decodeEntry(buffer: Buffer, offset: number): Decoded {
  if (buffer.length - offset < HEADER_BYTES) return { kind: 'incomplete', size: null };
  const length = buffer.readUInt32BE(offset);
  if (length > MAX_PAYLOAD_BYTES) return { kind: 'corrupt', reason: `entry length ${length} is impossible` };
  const size = HEADER_BYTES + length;
  if (buffer.length - offset < size) return { kind: 'incomplete', size };
  const body = buffer.subarray(offset + 8, offset + size);
  if (crc32(body) !== buffer.readUInt32BE(offset + 4)) return { kind: 'corrupt', reason: 'checksum mismatch' };
  return {
    kind: 'entry',
    seq: Number(buffer.readBigUInt64BE(offset + 8)),
    receivedAt: buffer.readDoubleBE(offset + 16),
    payload: buffer.subarray(offset + HEADER_BYTES, offset + size),
    size,
  };
}
