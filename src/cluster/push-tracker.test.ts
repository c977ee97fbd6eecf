import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PushTracker } from './push-tracker.ts';

test('the remote reflects the lowest sequence over the branches, each judged by its own head', () => {
  const tracker = new PushTracker(0, { main: null, activity: null }, { main: null, activity: null });
  assert.equal(tracker.reflected, 0);
  tracker.flushed(10, { main: 'm1', activity: null });
  tracker.flushed(20, { main: 'm2', activity: 'a1' });
  tracker.flushed(30, { main: 'm3', activity: 'a1' });
  assert.equal(tracker.pushed('main', 'm2'), 10, 'the remote has no activity yet: it had none up to 10');
  assert.equal(tracker.pushed('activity', 'a1'), 20, 'main at m2 reflects up to 20, activity at a1 up to 30');
  assert.equal(tracker.pushed('main', 'm3'), 30);
  tracker.flushed(40, { main: 'm4', activity: 'a1' });
  assert.equal(tracker.pushed('activity', 'a1'), 30, 'main has not been pushed at m4 yet');
  assert.equal(tracker.pushed('main', 'm4'), 40);
  assert.deepEqual(tracker.pushedHeads(), { main: 'm4', activity: 'a1' });
});

test('a head pushed before its flush was noted is counted once the flush is', () => {
  const tracker = new PushTracker(5, { main: 'm0', activity: null }, { main: 'm0', activity: null });
  assert.equal(tracker.reflected, 5, 'restored from the remote: it reflects what it held');
  assert.equal(tracker.pushed('main', 'm1'), 5);
  assert.equal(tracker.flushed(9, { main: 'm1', activity: null }), 9);
});

test('restored ahead of the remote, nothing counts as reflected until pushed', () => {
  const tracker = new PushTracker(7, { main: 'm2', activity: null }, { main: 'm1', activity: null });
  assert.equal(tracker.reflected, 0);
  tracker.pushed('activity', null);
  assert.equal(tracker.pushed('main', 'm2'), 7);
});
