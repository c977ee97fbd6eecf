// Issue 10 item 7: bounded gunzip, at once and as a stream.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InvalidInputError } from './errors.ts';
import { gunzipCapped, gunzipCappedStream, InflateLimitError } from './gunzip.ts';

const MiB = 1024 * 1024;
const bomb = gzipSync(Buffer.alloc(8 * MiB));
const cap = { maxBytes: MiB, setting: 'x.maxInflatedBytes' };

async function drain(stream: Readable): Promise<number> {
  let total = 0;
  for await (const chunk of stream) total += (chunk as Buffer).length;
  return total;
}

test('gunzipCapped inflates up to the cap, passes plain bytes through and refuses past it, naming the input', () => {
  assert.ok(bomb.length < 16 * 1024, '8 MiB of zeros is a few KiB of gzip');
  assert.equal(gunzipCapped(gzipSync('hello'), cap, 'f').toString(), 'hello');
  assert.equal(gunzipCapped(gzipSync(Buffer.alloc(MiB)), cap, 'f').length, MiB, 'exactly the cap is fine');
  assert.equal(gunzipCapped(Buffer.from('plain'), cap, 'f').toString(), 'plain');
  assert.throws(
    () => gunzipCapped(bomb, cap, 's3://b/k.json.gz'),
    (error: unknown) =>
      error instanceof InflateLimitError &&
      error.message ===
        's3://b/k.json.gz is larger than 1048576 bytes gunzipped, the cap (x.maxInflatedBytes); not read',
  );
  assert.throws(
    () => gunzipCapped(Buffer.from([0x1f, 0x8b, 0, 1, 2]), cap, 'f'),
    (error: unknown) =>
      error instanceof InvalidInputError &&
      !(error instanceof InflateLimitError) &&
      /^f is not valid gzip/.test(error.message),
  );
});

test('gunzipCappedStream streams up to the cap and fails past it, without inflating the rest', async () => {
  assert.equal(await drain(gunzipCappedStream(Readable.from([gzipSync(Buffer.alloc(MiB))]), cap, 'f')), MiB);
  await assert.rejects(
    drain(gunzipCappedStream(Readable.from([bomb]), cap, 'bomb.gz')),
    (error: unknown) =>
      error instanceof InflateLimitError && /^bomb\.gz is larger than 1048576 bytes/.test(error.message),
  );
  await assert.rejects(
    drain(gunzipCappedStream(Readable.from([Buffer.from([0x1f, 0x8b, 0, 1, 2])]), cap, 'bad.gz')),
    /bad\.gz is not valid gzip/,
  );
});
