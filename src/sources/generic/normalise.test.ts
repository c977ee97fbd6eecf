import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedactor } from '../../normalise/redact.ts';
import { normaliseGenericEvent, parseEventTime } from './normalise.ts';

const options = { source: 'scripted', redact: createRedactor(Buffer.alloc(32, 7)) };

test('event times: ISO 8601, a zone-less one as UTC whatever the host TZ, and epoch seconds or milliseconds', (t) => {
  // Read far from UTC: under TZ=UTC a local-time parse would pass too.
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  t.after(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  const noon = Date.UTC(2024, 5, 1, 12);
  for (const time of [
    '2024-06-01T12:00:00Z',
    '2024-06-01T14:00:00+02:00',
    '2024-06-01T12:00:00',
    '2024-06-01 12:00:00',
    noon / 1000,
    noon,
  ]) {
    assert.equal(parseEventTime(time), noon, String(time));
  }
  const result = normaliseGenericEvent(
    { id: 'e1', time: '2024-06-01T12:00:00', actor: 'alice', path: 'app/config', object: { a: 1 } },
    options,
  );
  assert.equal(result.kind === 'changes' && result.changes[0]?.time, noon);
  assert.deepEqual(normaliseGenericEvent({ id: 'e2', time: 'noon', path: 'app/config', object: null }, options), {
    kind: 'rejected',
    reason: 'generic event e2 has no valid time',
  });
});

test('a generic event says its author is claimed, not exact: the sender asserts who acted (issue 10)', () => {
  const result = normaliseGenericEvent(
    {
      id: 'c1',
      time: '2024-06-01T12:00:00Z',
      actor: { name: 'Alice', email: 'alice@example.com' },
      path: 'app/config',
      object: { a: 1 },
    },
    options,
  );
  assert.equal(result.kind, 'changes');
  const change = result.kind === 'changes' ? result.changes[0] : undefined;
  assert.deepEqual(change?.author, { name: 'Alice', email: 'alice@example.com' }, 'git log --author still finds her');
  assert.deepEqual(
    change?.trailers.filter(([key]) => key === 'Attribution'),
    [['Attribution', 'claimed']],
  );
});
