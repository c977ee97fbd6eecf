import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SerialRun } from './serial-run.ts';

test('one run at a time; requests during a run coalesce into one more run', async () => {
  let runs = 0;
  let release: () => void = () => {};
  const runner = new SerialRun(async () => {
    runs += 1;
    if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    return true;
  });
  runner.request();
  assert.equal(runner.running, true);
  runner.request();
  runner.request();
  release();
  await runner.idle();
  assert.equal(runs, 2, 'the run in progress, then one for both requests');
  assert.equal(runner.running, false);
  runner.request();
  await runner.idle();
  assert.equal(runs, 3);
});

test('a run that says no (a failure with its own retry, a stop) is not followed by a requested one', async () => {
  let runs = 0;
  let release: () => void = () => {};
  const runner = new SerialRun(async () => {
    runs += 1;
    await new Promise<void>((resolve) => (release = resolve));
    return false;
  });
  runner.request();
  runner.request();
  release();
  await runner.idle();
  assert.equal(runs, 1);
  runner.request();
  release();
  await runner.idle();
  assert.equal(runs, 2, 'a later request runs it again');
});
