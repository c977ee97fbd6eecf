import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { deflateBound, deflateFast, deflateInto, deflateTextFast, inflateTransient } from './zlib-engine.ts';

function sample(size: number, seed: number): Buffer {
  const data = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i += 1) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    // Half text-like, half noise: both compressible and incompressible stretches.
    data[i] = i % 512 < 256 ? 97 + (i % 7) : x >> 16;
  }
  return data;
}

test('the reused stream writes the same bytes as deflateSync at level 1, call after call', () => {
  for (const [index, size] of [0, 1, 100, 4000, 70_000, 300_000, 50].entries()) {
    const data = sample(size, index + 1);
    assert.deepEqual(Buffer.from(deflateFast(data)), deflateSync(data, { level: 1 }), `size ${size}`);
    const out = Buffer.alloc(10 + deflateBound(size));
    const end = deflateInto(data, out, 10);
    assert.deepEqual(out.subarray(10, end), deflateSync(data, { level: 1 }), `into, size ${size}`);
  }
});

test('inflating gives back the input, also past the reused buffer, and a corrupt stream is an error', () => {
  for (const size of [0, 5, 4000, 200_000, 10]) {
    const data = sample(size, size);
    assert.deepEqual(Buffer.from(inflateTransient(deflateSync(data))), data, `size ${size}`);
  }
  const broken = Buffer.from(deflateSync(sample(1000, 3)));
  broken[5] = (broken[5] as number) ^ 0xff;
  assert.throws(() => inflateTransient(broken));
  assert.throws(() => inflateTransient(deflateSync(sample(1000, 4)).subarray(0, 100)));
  assert.deepEqual(Buffer.from(inflateTransient(deflateSync('after an error'))).toString(), 'after an error');
  const trailing = Buffer.concat([deflateSync('stream'), Buffer.from('garbage')]);
  assert.equal(Buffer.from(inflateTransient(trailing)).toString(), inflateSync(trailing).toString());
  assert.deepEqual(inflateSync(deflateFast(Buffer.from('x'))).toString(), 'x');
});

test('text deflates as its UTF-8 bytes, short or long', () => {
  for (const text of ['', 'plain', 'ünïcode ✓ 🚀'.repeat(3), 'x'.repeat(200_000)])
    assert.equal(inflateSync(deflateTextFast(text)).toString('utf8'), text);
});
