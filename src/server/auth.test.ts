import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { matchDigest, parseBearer } from './auth.ts';

test('parseBearer reads `Bearer <token>` (any case, spaces or tabs) and nothing else', () => {
  assert.equal(parseBearer('Bearer abc.def'), 'abc.def');
  assert.equal(parseBearer('bearer \tabc  '), 'abc');
  assert.equal(parseBearer(undefined), null);
  for (const header of ['', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'Bearerabc'])
    assert.equal(parseBearer(header), null, JSON.stringify(header));
});

test('matchDigest finds the first equal digest among all, or -1', () => {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const known = ['one', 'two', 'one'].map(digest);
  assert.equal(matchDigest(known, digest('one')), 0);
  assert.equal(matchDigest(known, digest('two')), 1);
  assert.equal(matchDigest(known, digest('three')), -1);
  assert.equal(matchDigest([], digest('one')), -1);
});
