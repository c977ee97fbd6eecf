// A zlib stream made of stored (uncompressed) deflate blocks. Pack entries must be zlib
// streams, but most are tiny tree deltas (a few changed ids): calling zlib for each one would
// cost the single writer more than the bytes saved.

const MAX_BLOCK = 0xffff;
const MOD = 65521;
/** Bytes that can be summed before the Adler-32 sums must be reduced (zlib's NMAX). */
const NMAX = 5552;

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let start = 0; start < data.length; start += NMAX) {
    const end = Math.min(start + NMAX, data.length);
    for (let i = start; i < end; i += 1) {
      a += data[i] as number;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/** The length of `zlibStored` of `length` bytes. */
export function zlibStoredLength(length: number): number {
  return 2 + Math.max(1, Math.ceil(length / MAX_BLOCK)) * 5 + length + 4;
}

export function zlibStored(data: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(zlibStoredLength(data.length));
  writeZlibStored(data, out, 0);
  return out;
}

/** Writes `zlibStored(data)` into `out` at `start` (room for `zlibStoredLength` bytes); returns where it ends. */
export function writeZlibStored(data: Uint8Array, out: Buffer, start: number): number {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_BLOCK));
  out[start] = 0x78; // deflate, 32K window
  out[start + 1] = 0x01; // no preset dictionary, fastest; (0x78 << 8 | 0x01) % 31 === 0
  let at = start + 2;
  for (let block = 0; block < blocks; block += 1) {
    const from = block * MAX_BLOCK;
    const length = Math.min(MAX_BLOCK, data.length - from);
    out[at] = block === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00 (stored)
    out.writeUInt16LE(length, at + 1);
    out.writeUInt16LE(~length & 0xffff, at + 3);
    at += 5;
    out.set(data.subarray(from, from + length), at);
    at += length;
  }
  out.writeUInt32BE(adler32(data), at);
  return at + 4;
}
