// The attribution delay queue: items come out in order, not before they are due, and count
// as pending until acknowledged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DelayQueue } from './delay-queue.ts';

test('items are due a fixed delay after they were seen, in order, and pending until acknowledged', async () => {
  let now = 1000;
  const queue = new DelayQueue<string>(500, () => now);
  const signal = new AbortController().signal;
  queue.push('a', 1000);
  queue.push('b', 1100);
  queue.push('c', 1400);
  now = 1550;
  assert.equal(queue.overdueMs(), 50);
  assert.deepEqual(await queue.takeDue(10, signal), ['a']);
  assert.equal(queue.size, 3, 'a is still being processed');
  queue.acknowledge(1);
  now = 2000;
  assert.deepEqual(await queue.takeDue(1, signal), ['b']);
  assert.deepEqual(await queue.takeDue(10, signal), ['c']);
  queue.acknowledge(2);
  assert.equal(queue.size, 0);
  const stopped = new AbortController();
  const waiting = queue.takeDue(10, stopped.signal);
  stopped.abort();
  assert.deepEqual(await waiting, []);
});

test('a push wakes a waiting take', async () => {
  const queue = new DelayQueue<number>(0, Date.now);
  const taken = queue.takeDue(10, new AbortController().signal);
  queue.push(7);
  assert.deepEqual(await taken, [7]);
});
