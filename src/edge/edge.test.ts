import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeBatch } from '../domain/batch.ts';
import type { ChangeRecord, NormaliseResult } from '../domain/change.ts';
import { parseCanonicalYaml, toCanonicalYaml } from '../normalise/canonical-yaml.ts';
import { isShortenedSegment } from '../normalise/paths.ts';
import { checkChange, FULL_PATH_KEY } from './check-record.ts';
import { nestingDepth } from './depth.ts';
import { checkBatch, normaliseAtEdge } from './edge.ts';
import { DEFAULT_EDGE_LIMITS, edgeLimits, type EdgeContext } from './limits.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const edge: EdgeContext = { limits: DEFAULT_EDGE_LIMITS, now: () => NOW };

function change(over: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    eventId: 'e1',
    branch: 'main',
    path: 'custom/flags/checkout.yaml',
    update: { kind: 'put', doc: { enabled: true } },
    author: { name: 'gina@example.com', email: 'gina@example.com' },
    time: NOW - 60_000,
    subject: 'update checkout',
    trailers: [
      ['Source', 'generic/flags'],
      ['Event-ID', 'e1'],
    ],
    source: 'generic/flags',
    ...over,
  };
}

const reason = (record: ChangeRecord, ctx = edge): string => {
  const checked = checkChange(record, ctx);
  return checked.ok ? '' : checked.reason;
};

test('times: from 1970 to now plus the configured skew', () => {
  assert.equal(reason(change({ time: 0 })), '');
  assert.equal(reason(change({ time: NOW + 86_400_000 })), '');
  assert.match(
    reason(change({ time: NOW + 86_400_001 })),
    /time 2026-06-02T00:00:00\.001Z is not between 1970-01-01T00:00:00Z and 2026-06-02T00:00:00\.000Z/,
  );
  assert.match(reason(change({ time: -5000 })), /time 1969-12-31T23:59:55\.000Z is not between/);
  assert.match(reason(change({ time: 1e300 })), /time 1e\+300 is not between/);
  assert.match(reason(change({ time: Number.NaN })), /time NaN/);
  const strict = { limits: edgeLimits(60_000), now: () => NOW };
  assert.match(reason(change({ time: NOW + 120_000 }), strict), /limits\.futureSkew/);
});

test('actor names: at most 256 characters; control and format characters leave every header', () => {
  assert.match(
    reason(change({ author: { name: 'x'.repeat(257), email: 'x@example.com' } })),
    /257 characters long; at most 256/,
  );
  assert.match(reason(change({ author: { name: '\u202e\u0000', email: 'x@example.com' } })), /actor name is empty/);
  const checked = checkChange(
    change({
      author: { name: 'mallory\u202Eevil\u0007', email: 'm\u200b@example.com' },
      subject: 'update\u0000 checkout\r\nInjected: yes',
      trailers: [
        ['Source', 'generic/flags'],
        ['User-Agent', 'curl\u001b[31m/8'],
      ],
      eventId: 'e\u00001',
    }),
    edge,
  );
  assert.ok(checked.ok);
  assert.deepEqual(checked.value.author, { name: 'malloryevil', email: 'm@example.com' });
  assert.equal(checked.value.subject, 'update checkout Injected: yes');
  assert.deepEqual(checked.value.trailers[1], ['User-Agent', 'curl[31m/8']);
  assert.equal(checked.value.eventId, 'e1');
});

test('a path segment over 255 bytes keeps a prefix and a hash; the document records the full path', () => {
  const long = `custom/flags/${'s'.repeat(5000)}/${'é'.repeat(300)}.yaml`;
  const checked = checkChange(change({ path: long }), edge);
  assert.ok(checked.ok);
  const segments = checked.value.path.split('/');
  assert.deepEqual(segments.slice(0, 2), ['custom', 'flags']);
  for (const segment of segments) assert.ok(Buffer.byteLength(segment) <= 255, segment);
  assert.ok(isShortenedSegment(segments[2] as string) && segments[2]?.startsWith('sss'));
  assert.ok(segments[3]?.endsWith('.yaml') && segments[3].startsWith('éé'));
  assert.deepEqual(checked.value.update, { kind: 'put', doc: { enabled: true, [FULL_PATH_KEY]: long } });
  // The same name always lands on the same file; another name never does.
  const again = checkChange(change({ path: long }), edge);
  const other = checkChange(change({ path: long.replace('éé.yaml', 'éè.yaml') }), edge);
  assert.ok(again.ok && other.ok);
  assert.equal(again.value.path, checked.value.path);
  assert.notEqual(other.value.path, checked.value.path);
  const fields = checkChange(
    change({ path: long, update: { kind: 'set-fields', fields: { a: 1 }, createIfMissing: true } }),
    edge,
  );
  assert.ok(fields.ok && fields.value.update.kind === 'set-fields');
  assert.equal(fields.value.update.fields[FULL_PATH_KEY], long);
});

test('documents: nested at most 100 levels, at most 3 MiB as YAML, and buildable', () => {
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let level = 1; level < 101; level += 1) deep = { a: deep };
  assert.equal(nestingDepth(deep), 101);
  assert.match(reason(change({ update: { kind: 'put', doc: deep } })), /nested deeper than 100 levels/);
  assert.equal(reason(change({ update: { kind: 'put', doc: deep['a'] as Record<string, unknown> } })), '');
  const dotted = Array.from({ length: 101 }, () => 'a').join('.');
  assert.match(
    reason(change({ update: { kind: 'set-fields', fields: { [dotted]: 1 }, createIfMissing: true } })),
    /nested deeper than 100/,
  );
  const big = { text: 'abcdefghij'.repeat(320_000) };
  assert.match(reason(change({ update: { kind: 'put', doc: big } })), /3200\d+ bytes or more as YAML; at most 3145728/);
  assert.equal(reason(change({ update: { kind: 'put', doc: { text: 'abcdefghij'.repeat(300_000) } } })), '');
});

test(
  'an input nested too deeply is refused before its normaliser recurses into it; a throwing normaliser refuses ' +
    'its record only',
  () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    let called = false;
    const result = normaliseAtEdge(
      deep,
      () => {
        called = true;
        return { kind: 'ignored', reason: 'x' };
      },
      edge,
    );
    assert.deepEqual(result, { kind: 'rejected', reason: 'the record is nested deeper than 100 levels' });
    assert.equal(called, false);
    const errors: unknown[] = [];
    const thrown = normaliseAtEdge(
      {},
      () => {
        throw new TypeError('a bug');
      },
      edge,
      (error) => errors.push(error),
    );
    assert.deepEqual(thrown, { kind: 'rejected', reason: 'cannot be normalised: a bug' });
    assert.equal(errors.length, 1);
    const half: NormaliseResult = { kind: 'changes', changes: [change(), change({ eventId: 'e2', time: -1 })] };
    const refused = normaliseAtEdge({}, () => half, edge);
    assert.equal(refused.kind, 'rejected', 'one bad change refuses the whole record: never half-kept');
  },
);

test('a live source batch keeps what passes and counts what is refused', () => {
  const batch: ChangeBatch = {
    source: 'kubernetes-watch/prod',
    receivedAt: NOW,
    changes: [change(), change({ eventId: 'late', time: NOW + 7 * 86_400_000 })],
    facts: [],
    ignored: 0,
    rejected: 1,
  };
  const { batch: checked, refused } = checkBatch(batch, edge);
  assert.deepEqual(
    checked.changes.map((record) => record.eventId),
    ['e1'],
  );
  assert.equal(checked.rejected, 2);
  assert.equal(refused.length, 1);
});

test('what the edge lets through renders and reads back', () => {
  const checked = checkChange(change({ path: `custom/flags/${'x'.repeat(300)}.yaml` }), edge);
  assert.ok(checked.ok && checked.value.update.kind === 'put');
  const doc = checked.value.update.doc;
  assert.deepEqual(parseCanonicalYaml(toCanonicalYaml(doc)), doc);
});
