// The output's backpressure in-process: writes that wait for a slow reader, and a reader that
// goes away (EPIPE, closed) while a write waits, end the listing quietly and leave no listeners.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { openOutput, type Output } from './output.ts';

const CHUNK = 'x'.repeat(100);

function outputTo(stream: Writable): Output {
  return openOutput(
    { stdout: stream as unknown as NodeJS.WriteStream, stderr: process.stderr, env: {} },
    { pager: false, colour: 'never' },
  );
}

const listeners = (stream: Writable) => ({
  drain: stream.listenerCount('drain'),
  close: stream.listenerCount('close'),
  error: stream.listenerCount('error'),
});

test('every write waits for a slow reader, and the waits leave no listeners behind', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  let taken = 0;
  const slow = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      taken += chunk.length;
      setTimeout(callback, 1);
    },
  });
  const before = listeners(slow);
  const output = outputTo(slow);
  for (let i = 0; i < 30; i += 1) assert.equal(await output.write(CHUNK), true);
  await output.close();
  assert.equal(taken, 30 * CHUNK.length);
  assert.deepEqual(listeners(slow), before);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    warnings.map((warning) => warning.name),
    [],
  );
});

test('a reader that fails with EPIPE while a write waits: the write resolves false, nothing throws', async () => {
  let writes = 0;
  const broken = new Writable({
    highWaterMark: 16,
    write(_chunk, _encoding, callback) {
      writes += 1;
      const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      setTimeout(() => callback(writes > 3 ? epipe : null), 2);
    },
  });
  const before = listeners(broken);
  const output = outputTo(broken);
  const results: boolean[] = [];
  for (let i = 0; i < 10; i += 1) {
    const ok = await output.write(CHUNK);
    results.push(ok);
    if (!ok) break;
  }
  assert.deepEqual(results, [true, true, true, false], 'the fourth write waited, the reader failed, and it said so');
  assert.equal(await output.write(CHUNK), false, 'later writes stop at once');
  await output.close();
  assert.deepEqual(listeners(broken), before);
});

test('a reader that closes while a write waits: the write resolves false', async () => {
  const stuck = new Writable({
    highWaterMark: 16,
    write() {
      // Never takes the text: the write waits until the stream is closed under it.
    },
  });
  const output = outputTo(stuck);
  const waiting = output.write(CHUNK);
  setTimeout(() => stuck.destroy(), 5);
  assert.equal(await waiting, false);
  assert.equal(await output.write(CHUNK), false);
  await output.close();
});

test(
  'a reader that fails otherwise while a write waits: the write resolves false and close reports ' + 'the error',
  async () => {
    const failing = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, callback) {
        setTimeout(() => callback(Object.assign(new Error('disk full'), { code: 'ENOSPC' })), 2);
      },
    });
    const output = outputTo(failing);
    assert.equal(await output.write(CHUNK), false);
    await assert.rejects(output.close(), /disk full/);
  },
);
