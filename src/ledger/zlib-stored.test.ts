import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { adler32, zlibStored } from './zlib-stored.ts';

test('stored zlib streams inflate back to the input, across block boundaries', () => {
  for (const size of [0, 1, 100, 65535, 65536, 200_000]) {
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i += 1) data[i] = (i * 31 + (i >> 8)) & 0xff;
    assert.deepEqual(inflateSync(zlibStored(data)), data, `size ${size}`);
  }
});

test('adler32 matches the reference values', () => {
  assert.equal(adler32(Buffer.from('Wikipedia')), 0x11e60398);
  assert.equal(adler32(Buffer.alloc(0)), 1);
});
