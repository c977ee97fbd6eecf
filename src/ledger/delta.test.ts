import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDelta, encodeDelta, encodePatchDelta } from './delta.ts';

test('deltas reproduce the target, and stay small when one entry changes', () => {
  const base = Buffer.alloc(80_000);
  for (let i = 0; i < base.length; i += 1) base[i] = (i * 7) & 0xff;
  const changed = Buffer.from(base);
  changed.fill(0xab, 40_000, 40_020);
  const added = Buffer.concat([
    base.subarray(0, 1000),
    Buffer.from('100644 new.yaml\0'),
    Buffer.alloc(20, 1),
    base.subarray(1000),
  ]);
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

test('patch deltas replace known ranges without scanning', () => {
  const base = Buffer.alloc(1000, 1);
  const target = Buffer.from(base);
  target.fill(9, 100, 120);
  target.fill(8, 980, 1000);
  target.fill(7, 0, 20);
  const delta = encodePatchDelta(base, target, [980, 100, 0], 20);
  assert.deepEqual(Buffer.from(applyDelta(base, delta)), target);
  assert.ok(delta.length < 90);
});

test("tree order is git's byte order, for ASCII and other names alike", async () => {
  const { compareTreeEntries } = await import('./objects.ts');
  const entry = (name: string, mode: '100644' | '40000' = '100644') => ({ name, mode, oid: '0'.repeat(40) });
  const names = [
    entry('a.yaml'),
    entry('a', '40000'),
    entry('a-b.yaml'),
    entry('Z.yaml'),
    entry('é.yaml'),
    entry('\uff5e.yaml'),
    entry('\u{1f600}.yaml'),
    entry('a0.yaml'),
  ];
  const sorted = [...names].sort(compareTreeEntries).map((e) => e.name);
  const bytes = [...names]
    .sort((p, q) =>
      Buffer.compare(
        Buffer.from(p.mode === '40000' ? `${p.name}/` : p.name),
        Buffer.from(q.mode === '40000' ? `${q.name}/` : q.name),
      ),
    )
    .map((e) => e.name);
  assert.deepEqual(sorted, bytes);
});
