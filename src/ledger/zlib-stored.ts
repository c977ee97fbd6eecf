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

export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_BLOCK));
  const out = Buffer.allocUnsafe(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78; // deflate, 32K window
  out[1] = 0x01; // no preset dictionary, fastest; (0x78 << 8 | 0x01) % 31 === 0
  let at = 2;
  for (let block = 0; block < blocks; block += 1) {
    const start = block * MAX_BLOCK;
    const length = Math.min(MAX_BLOCK, data.length - start);
    out[at] = block === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00 (stored)
    out.writeUInt16LE(length, at + 1);
    out.writeUInt16LE(~length & 0xffff, at + 3);
    at += 5;
    out.set(data.subarray(start, start + length), at);
    at += length;
  }
  out.writeUInt32BE(adler32(data), at);
  return out;
}
