// The pacer's promise, from the attempts' side: an attempt starts only once the one `burst`
// attempts back has been answered for burst / rate seconds, attempts never overlap, and a stop
// while waiting ends the wait.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestPacer } from './request-pacer.ts';

test('at 2 per second, each attempt starts a second or more after the answer two attempts back', async () => {
  const pacer = new RequestPacer(2);
  const signal = new AbortController().signal;
  const started: number[] = [];
  const answered: number[] = [];
  let running = 0;
  await Promise.all(
    Array.from({ length: 5 }, () =>
      pacer.run(signal, async () => {
        running += 1;
        assert.equal(running, 1, 'one attempt at a time');
        started.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 20));
        answered.push(Date.now());
        running -= 1;
      }),
    ),
  );
  assert.equal(started.length, 5);
  for (let k = 2; k < started.length; k += 1)
    assert.ok((started[k] as number) - (answered[k - 2] as number) >= 1000, `attempt ${k}`);
});

test('a failed attempt counts like an answered one, and its error reaches the caller', async () => {
  const pacer = new RequestPacer(1);
  const signal = new AbortController().signal;
  let failedAt = 0;
  await assert.rejects(
    pacer.run(signal, async () => {
      failedAt = Date.now();
      throw new Error('HTTP 500');
    }),
    /HTTP 500/,
  );
  const result = await pacer.run(signal, async () => Date.now());
  assert.ok(!result.aborted && result.value - failedAt >= 1000);
});

test('stopping while an attempt waits for its turn ends the wait without running it', async () => {
  const pacer = new RequestPacer(0.5);
  const controller = new AbortController();
  await pacer.run(controller.signal, async () => undefined);
  let ran = false;
  const waiting = pacer.run(controller.signal, async () => {
    ran = true;
  });
  controller.abort();
  assert.deepEqual(await waiting, { aborted: true });
  assert.equal(ran, false);
});
