import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headsOf, PushTracker } from './push-tracker.ts';

test('the remote reflects the lowest sequence over the branches, each judged by its own head', () => {
  const tracker = new PushTracker(0, headsOf({ main: null, activity: null }), headsOf({ main: null, activity: null }));
  assert.equal(tracker.reflected, 0);
  tracker.flushed(10, headsOf({ main: 'm1', activity: null }));
  tracker.flushed(20, headsOf({ main: 'm2', activity: 'a1' }));
  tracker.flushed(30, headsOf({ main: 'm3', activity: 'a1' }));
  assert.equal(tracker.pushed('main', 'm2'), 10, 'the remote has no activity yet: it had none up to 10');
  assert.equal(tracker.pushed('activity', 'a1'), 20, 'main at m2 reflects up to 20, activity at a1 up to 30');
  assert.equal(tracker.pushed('main', 'm3'), 30);
  tracker.flushed(40, headsOf({ main: 'm4', activity: 'a1' }));
  assert.equal(tracker.pushed('activity', 'a1'), 30, 'main has not been pushed at m4 yet');
  assert.equal(tracker.pushed('main', 'm4'), 40);
  assert.deepEqual(tracker.pushedHeads(), { main: 'm4', activity: 'a1' });
});

test('a head pushed before its flush was noted is counted once the flush is', () => {
  const tracker = new PushTracker(5, headsOf({ main: 'm0', activity: null }), headsOf({ main: 'm0', activity: null }));
  assert.equal(tracker.reflected, 5, 'restored from the remote: it reflects what it held');
  assert.equal(tracker.pushed('main', 'm1'), 5);
  assert.equal(tracker.flushed(9, headsOf({ main: 'm1', activity: null })), 9);
});

test('restored ahead of the remote, nothing counts as reflected until pushed', () => {
  const tracker = new PushTracker(7, headsOf({ main: 'm2', activity: null }), headsOf({ main: 'm1', activity: null }));
  assert.equal(tracker.reflected, 0);
  tracker.pushed('activity', null);
  assert.equal(tracker.pushed('main', 'm2'), 7);
});

test('a retention line counts like main and activity: the stream keeps what the remote line lacks', () => {
  const heads = (main: string, line: string | null) =>
    new Map([
      ['main', main],
      ['activity', null],
      ['activity-events', line],
    ]);
  // Restored with the line level with the remote and main ahead of it.
  const tracker = new PushTracker(4, heads('m1', 'e1'), heads('m0', 'e1'));
  assert.equal(tracker.reflected, 0);
  tracker.flushed(8, heads('m2', 'e2'));
  assert.equal(tracker.pushed('main', 'm2'), 4, 'the remote line is at e1, which reflects only up to 4');
  assert.equal(tracker.pushed('activity-events', 'e2'), 8);
  tracker.flushed(12, heads('m3', 'e2'));
  assert.equal(tracker.pushed('main', 'm3'), 12, 'a line unchanged since its push reflects the later flushes');
});
