// The small runtime pieces live sources share: durations, backoff, the token bucket, health, the seen ids of
// checkpoints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Backoff, sleep } from './backoff.ts';
import { Duration } from '../../config/duration.ts';
import { parseDuration } from '../../domain/duration.ts';
import { HealthBoard } from './health.ts';
import { pruneSeen } from './seen.ts';
import { TokenBucket } from './token-bucket.ts';

test('durations are read in ms, s, m, h and d', () => {
  assert.deepEqual(
    ['500ms', '10s', '15m', '2h', '7d', '1.5s'].map(parseDuration),
    [500, 10_000, 900_000, 7_200_000, 604_800_000, 1500],
  );
  assert.equal(parseDuration('7 days'), null);
  assert.equal(Duration.parse(250), 250);
  assert.equal(Duration.safeParse('soon').success, false);
});

test('backoff grows to its maximum and starts over after a reset', () => {
  const backoff = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
  assert.deepEqual(
    [1, 2, 3, 4, 5].map(() => backoff.next()),
    [100, 200, 400, 800, 1000],
  );
  backoff.reset();
  assert.equal(backoff.next(), 100);
  const jittered = new Backoff({ initialMs: 1000, jitter: 0.5, random: () => 1 });
  assert.equal(jittered.next(), 500);
});

test('sleep ends early, without throwing, when the signal aborts', async () => {
  const controller = new AbortController();
  const slept = sleep(60_000, controller.signal);
  controller.abort();
  assert.equal(await slept, false);
});

test('the token bucket spaces takes by the rate, in order', async () => {
  let now = 0;
  const bucket = new TokenBucket(2, { now: () => now });
  const signal = new AbortController().signal;
  assert.equal(await bucket.take(signal), true);
  const order: number[] = [];
  const second = bucket.take(signal).then(() => order.push(2));
  const third = bucket.take(signal).then(() => order.push(3));
  now = 500;
  await second;
  // Half a token later, and after the bucket's own wait, the third still waits: a bucket refilling
  // too fast would have served it.
  now = 750;
  await delay(600);
  assert.deepEqual(order, [2]);
  now = 1000;
  await third;
  assert.deepEqual(order, [2, 3]);
  const aborted = new AbortController();
  const waiting = bucket.take(aborted.signal);
  aborted.abort();
  assert.equal(await waiting, false);
});

test('health: starting until every part succeeded, failing while one fails, lagging when behind', () => {
  const board = new HealthBoard('s', () => 1000);
  assert.equal(board.status().state, 'starting');
  board.begin('a');
  board.ok('b');
  assert.equal(board.status().state, 'starting');
  board.ok('a');
  assert.deepEqual(board.status(), { id: 's', state: 'up', lastSuccessAt: 1000 });
  board.fail('a', Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }));
  assert.deepEqual(board.status(), {
    id: 's',
    state: 'failing',
    lastSuccessAt: 1000,
    lastError: 'a: ECONNREFUSED: connection refused',
  });
  board.ok('a');
  board.setLag(120, true);
  assert.equal(board.status().state, 'lagging');
  assert.equal(board.status().lastError, 'a: ECONNREFUSED: connection refused');
  board.stop();
  assert.equal(board.status().state, 'stopped');
});

test('a checkpoint keeps the seen ids of the overlap only, previous ones first', () => {
  const seen = pruneSeen(
    { old: 10, kept: 20 },
    [
      ['new', 30],
      ['late', 5],
    ],
    20,
  );
  assert.deepEqual(seen, { kept: 20, new: 30 });
  assert.deepEqual(
    Object.keys(
      pruneSeen(
        undefined,
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
        0,
      ),
    ),
    ['b', 'a'],
  );
});
