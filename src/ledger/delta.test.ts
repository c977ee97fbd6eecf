import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDelta, encodeDelta } from './delta.ts';

test('deltas reproduce the target, and stay small when one entry changes', () => {
  const base = Buffer.alloc(80_000);
  for (let i = 0; i < base.length; i += 1) base[i] = (i * 7) & 0xff;
  const changed = Buffer.from(base);
  changed.fill(0xab, 40_000, 40_020);
  const added = Buffer.concat([base.subarray(0, 1000), Buffer.from('100644 new.yaml\0'), Buffer.alloc(20, 1), base.subarray(1000)]);
  const removed = Buffer.concat([base.subarray(0, 500), base.subarray(540)]);
  for (const target of [changed, added, removed, Buffer.alloc(0), base]) {
    const delta = encodeDelta(base, target);
    assert.deepEqual(Buffer.from(applyDelta(base, delta)), target);
    assert.ok(delta.length < 64, `delta of ${delta.length} bytes`);
  }
  const unrelated = Buffer.from('something else entirely');
  assert.deepEqual(Buffer.from(applyDelta(base, encodeDelta(base, unrelated))), unrelated);
  const huge = Buffer.alloc(0x1000100, 3);
  const hugeTarget = Buffer.from(huge);
  hugeTarget[5] = 9;
  assert.deepEqual(Buffer.from(applyDelta(huge, encodeDelta(huge, hugeTarget))), hugeTarget);
});
