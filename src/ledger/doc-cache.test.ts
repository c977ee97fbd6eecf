import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DocCache } from './doc-cache.ts';
import { packDoc } from './render.ts';

/** A blob id, as the cache is given. */
const oid = (name: string) => createHash('sha1').update(name).digest('hex');
const doc = (i: number) => ({ kind: 'ConfigMap', metadata: { name: `app-${i}` }, data: { value: 'x'.repeat(i % 50) } });

test('the cache answers the version it holds of a file, and not another version', () => {
  const cache = new DocCache(1024 * 1024);
  cache.set('a.yaml', oid('oid-1'), packDoc(doc(1)));
  cache.set('a.yaml', oid('oid-2'), packDoc(doc(2)));
  assert.deepEqual(cache.get('a.yaml', oid('oid-2')), doc(2));
  assert.equal(cache.get('a.yaml', oid('oid-1')), null);
  assert.equal(cache.get('b.yaml', oid('oid-2')), null);
});

test('the cache stays within its byte budget and keeps the files written last', () => {
  const budget = 64 * 1024;
  const cache = new DocCache(budget);
  for (let i = 0; i < 20_000; i += 1) {
    cache.set(`f-${i % 5000}.yaml`, oid(`oid-${i}`), packDoc(doc(i)));
    assert.ok(cache.bytes <= budget, `${cache.bytes} bytes held after ${i + 1} writes`);
  }
  assert.deepEqual(cache.get('f-4999.yaml', oid('oid-19999')), doc(19_999));
  assert.deepEqual(cache.get('f-4990.yaml', oid('oid-19990')), doc(19_990));
  assert.equal(cache.get('f-0.yaml', oid('oid-15000')), null);
});

test('a cached document does not depend on the array it was given', () => {
  const cache = new DocCache(1024 * 1024);
  const packed = packDoc(doc(7));
  cache.set('a.yaml', oid('oid'), packed);
  packed.fill(0);
  assert.deepEqual(cache.get('a.yaml', oid('oid')), doc(7));
});

test('files rewritten again and again take about the memory of their last versions, all still answered', () => {
  const cache = new DocCache(1024 * 1024);
  const versions = new Map<string, { oid: string; doc: object; bytes: number }>();
  for (let i = 0; i < 12_000; i += 1) {
    const path = `f-${i % 1000}.yaml`;
    const next = { kind: 'ConfigMap', data: { value: createHash('sha256').update(`v-${i}`).digest('hex') } };
    const packed = packDoc(next);
    cache.set(path, oid(`oid-${i}`), packed);
    versions.set(path, { oid: oid(`oid-${i}`), doc: next, bytes: packed.length + 20 });
  }
  let live = 0;
  for (const [path, version] of versions) {
    assert.deepEqual(cache.get(path, version.oid), version.doc);
    live += version.bytes;
  }
  // Twelve versions of each file were written; the slabs (128 KB each) keep little more than the last.
  assert.ok(cache.bytes <= live * 1.25 + 3 * 128 * 1024, `${cache.bytes} bytes held for ${live} live`);
});
