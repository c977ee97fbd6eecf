import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { applyDelta, encodeDelta, encodeLineDelta, encodePatchDelta, encodeTreeDelta } from './delta.ts';
import { compareTreeEntries, serializeTree } from './objects.ts';

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

test('line deltas reproduce edited text, and copy the lines that stayed', () => {
  const lines = Array.from({ length: 200 }, (_, i) => `  key_${i}: value-${(i * 7919) % 1000}\n`);
  const base = Buffer.from(lines.join(''));
  const edits: Array<(text: string[]) => string[]> = [
    (text) => text.map((line, i) => (i % 40 === 3 ? `  key_${i}: changed\n` : line)),
    (text) => [...text.slice(0, 50), '  inserted: yes\n', ...text.slice(50)],
    (text) => [...text.slice(0, 20), ...text.slice(25)],
    (text) => [...text.slice(100), ...text.slice(0, 100)],
    (text) => text.map((line) => line.replace('value', 'v')),
    () => [],
    () => ['no newline at the end'],
    (text) => [...text, 'tail without newline'],
  ];
  for (const [n, edit] of edits.entries()) {
    const target = Buffer.from(edit(lines).join(''));
    const delta = encodeLineDelta(base, target);
    assert.deepEqual(Buffer.from(applyDelta(base, delta)), target, `edit ${n}`);
    if (n < 4) assert.ok(delta.length < 200, `edit ${n}: delta of ${delta.length} bytes for ${target.length}`);
  }
  const empty = Buffer.alloc(0);
  assert.deepEqual(Buffer.from(applyDelta(empty, encodeLineDelta(empty, base))), base);
  assert.deepEqual(Buffer.from(applyDelta(base, encodeLineDelta(base, empty))), empty);
  const binary = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256));
  const flipped = Buffer.from(binary);
  flipped[2500] = (flipped[2500] as number) ^ 1;
  const delta = encodeLineDelta(binary, flipped);
  assert.deepEqual(Buffer.from(applyDelta(binary, delta)), flipped);
});

test('a tree delta spans dozens of changed, added and removed entries, and stays small', () => {
  const id = (n: number) => createHash('sha1').update(String(n)).digest('hex');
  const entries = Array.from({ length: 300 }, (_, i) => ({ mode: '40000' as const, name: `team-${i}`, oid: id(i) }));
  const sorted = (list: typeof entries) => serializeTree([...list].sort(compareTreeEntries));
  const base = sorted(entries);
  const later = entries
    .filter((_, i) => i % 97 !== 5)
    .map((entry, i) => (i % 7 === 0 ? { ...entry, oid: id(1000 + i) } : entry));
  // An id holding a NUL byte must not be taken for the end of a name.
  later.push({ mode: '40000', name: 'team-new', oid: `00${id(7).slice(2)}` });
  const target = sorted(later);
  const delta = encodeTreeDelta(base, target);
  assert.deepEqual(Buffer.from(applyDelta(base, delta)), Buffer.from(target));
  assert.ok(delta.length < target.length / 4, `delta of ${delta.length} bytes for a tree of ${target.length}`);
  assert.deepEqual(Buffer.from(applyDelta(target, encodeTreeDelta(target, base))), Buffer.from(base));
});
