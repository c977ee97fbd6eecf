import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { type RunOutcome, SerialRun } from './serial-run.ts';

/** A task whose runs are counted (with the mocked time they started at) and end when released. */
function rig(t: TestContext, outcomes: RunOutcome[] = []) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const starts: number[] = [];
  let release: () => void = () => {};
  let held = false;
  const runner = new SerialRun(async () => {
    starts.push(Date.now());
    if (held) await new Promise<void>((resolve) => (release = resolve));
    return outcomes.shift() ?? 'done';
  });
  return {
    runner,
    starts,
    hold: (on: boolean) => (held = on),
    release: () => release(),
    /** Moves the clock and lets the runs it starts finish. */
    tick: async (ms: number) => {
      t.mock.timers.tick(ms);
      await runner.idle();
    },
  };
}

test('one run at a time; requests during a run coalesce into one more run', async (t) => {
  const { runner, starts, hold, release } = rig(t);
  hold(true);
  runner.request();
  assert.equal(runner.running, true);
  runner.request();
  runner.request();
  hold(false);
  release();
  await runner.idle();
  assert.equal(starts.length, 2, 'the run in progress, then one for both requests');
  assert.equal(runner.running, false);
  runner.request();
  await runner.idle();
  assert.equal(starts.length, 3);
});

test('a delayed request runs when due; an earlier one wins, a later one does not postpone it', async (t) => {
  const { runner, starts, tick } = rig(t);
  runner.request(1000);
  runner.request(5000);
  await tick(999);
  assert.deepEqual(starts, []);
  await tick(1);
  assert.deepEqual(starts, [1000]);
  runner.request(5000);
  runner.request(200);
  await tick(200);
  assert.deepEqual(starts, [1000, 1200]);
  await tick(5000);
  assert.deepEqual(starts, [1000, 1200], 'the later request was served by the earlier run');
});

test('after a failed run the next waits for its retry delay: requests meanwhile join the retry', async (t) => {
  const { runner, starts, hold, release, tick } = rig(t, [{ retryInMs: 500 }, { retryInMs: 1000 }]);
  runner.request(100); // e.g. the mirror's interval timer, due before the retry
  hold(true);
  t.mock.timers.tick(100);
  runner.request(); // asked for during the run that fails
  hold(false);
  release();
  await runner.idle();
  assert.deepEqual(starts, [100], 'the request made during the failed run did not start a run');
  assert.equal(runner.retrying, true);
  runner.request();
  runner.request(10);
  await tick(499);
  assert.deepEqual(starts, [100], 'nor did requests while waiting');
  await tick(1);
  assert.deepEqual(starts, [100, 600], 'the retry ran after exactly its delay');
  await tick(999);
  assert.deepEqual(starts, [100, 600]);
  await tick(1);
  assert.deepEqual(starts, [100, 600, 1600], 'the second retry waited for its own, longer delay');
  assert.equal(runner.retrying, false);
  runner.request();
  await runner.idle();
  assert.deepEqual(starts, [100, 600, 1600, 1600], 'after a success requests run at once again');
});

test('runNow during a run that fails runs once more after it, at once', async (t) => {
  const { runner, starts, hold, release } = rig(t, [{ retryInMs: 60_000 }, 'done']);
  hold(true);
  runner.request();
  runner.runNow(); // a flush asked for while the run is in flight
  hold(false);
  release();
  await runner.idle();
  assert.deepEqual(starts, [0, 0]);
  assert.equal(runner.retrying, false);
});

test('runNow skips a pending retry; a halted run ends the runs', async (t) => {
  const { runner, starts, tick } = rig(t, [{ retryInMs: 60_000 }, 'done', 'halt']);
  runner.request();
  await runner.idle();
  runner.runNow();
  await runner.idle();
  assert.deepEqual(starts, [0, 0]);
  await tick(60_000);
  assert.deepEqual(starts, [0, 0], 'the retry timer was replaced by the run');
  runner.request();
  await runner.idle();
  assert.deepEqual(starts, [0, 0, 60_000]);
  runner.request();
  runner.runNow();
  await tick(1000);
  assert.equal(starts.length, 3, 'a halted runner ignores requests');
});

test('stop clears the timer and refuses later runs', async (t) => {
  const stopped = rig(t);
  stopped.runner.request(1000);
  await stopped.runner.stop();
  await stopped.tick(2000);
  stopped.runner.runNow();
  assert.deepEqual(stopped.starts, []);
});
