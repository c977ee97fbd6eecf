import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult } from '../../../test/helpers/describe-result.ts';
import { assertGolden } from '../../../test/helpers/golden.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';
import { normaliseAuditEvent } from './normalise.ts';

const fixtures = join(import.meta.dirname, '__fixtures__');
const options = { cluster: 'prod', redact: createRedactor(Buffer.alloc(32, 7)) };
const load = (name: string) => JSON.parse(readFileSync(join(fixtures, `${name}.event.json`), 'utf8'));

for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.event.json'))) {
  const name = file.replace('.event.json', '');
  test(`golden: ${name}`, () => {
    assertGolden(describeResult(normaliseAuditEvent(load(name), options)), join(fixtures, `${name}.golden.txt`));
  });
}

test('a patch is never state: its request body is a patch, not the object', () => {
  const event = { ...load('deployment-patch') };
  delete event.responseObject;
  const result = normaliseAuditEvent(event, options);
  assert.equal(result.kind, 'ignored');
  assert.equal(result.kind === 'ignored' && result.facts?.[0]?.actor.name, 'bob@example.com');
});

test("the scale subresource changes only the parent's replicas, never replaces it with a Scale", () => {
  const result = normaliseAuditEvent(load('deployment-scale'), options);
  assert.equal(result.kind, 'changes');
  const [change] = result.kind === 'changes' ? result.changes : [];
  assert.deepEqual(change?.update, { kind: 'set-fields', fields: { 'spec.replicas': 5 }, createIfMissing: false });
  assert.equal(change?.path, 'kubernetes/prod/namespaces/shop/apps/deployments/web.yaml');
});

test('only ResponseComplete with 2xx changes state', () => {
  const created = load('deployment-create');
  assert.equal(normaliseAuditEvent({ ...created, stage: 'RequestReceived' }, options).kind, 'ignored');
  const failed = normaliseAuditEvent({ ...created, responseStatus: { code: 409, reason: 'AlreadyExists' } }, options);
  assert.equal(failed.kind === 'changes' && failed.changes[0]?.branch, 'activity');
});

test('secret values never survive normalisation, in any field', () => {
  const text = describeResult(normaliseAuditEvent(load('secret-update'), options));
  for (const secret of ['Rotated-S3cret#2026', Buffer.from('Rotated-S3cret#2026').toString('base64'), 'hunter2'])
    assert.ok(!text.includes(secret), secret);
  assert.match(text, /password: hmac-sha256:[0-9a-f]{64}/);
});

test('malformed events are rejected with the reason', () => {
  assert.deepEqual(normaliseAuditEvent('x', options), { kind: 'rejected', reason: 'audit event is not a JSON object' });
  assert.deepEqual(normaliseAuditEvent({ verb: 'get' }, options), {
    kind: 'rejected',
    reason: 'audit event has no auditID',
  });
  assert.match(
    JSON.stringify(
      normaliseAuditEvent(
        { ...load('deployment-create'), stageTimestamp: 'yesterday', requestReceivedTimestamp: undefined },
        options,
      ),
    ),
    /no valid stageTimestamp/,
  );
  assert.match(
    JSON.stringify(normaliseAuditEvent({ ...load('deployment-create'), apiVersion: 'audit.k8s.io/v9' }, options)),
    /apiVersion/,
  );
});

test('audit timestamps: RFC 3339 micro-time and the shipper form without T', (t) => {
  // Read far from UTC: under TZ=UTC a local-time parse would pass too.
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  t.after(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  assert.equal(parseUtcTimestamp('2024-06-01T12:00:00.123456Z'), Date.parse('2024-06-01T12:00:00.123Z'));
  assert.equal(parseUtcTimestamp('2024-11-13 18:34:10.595141000'), Date.parse('2024-11-13T18:34:10.595Z'));
  assert.equal(parseUtcTimestamp('soon'), undefined);
  // The event's time is read so: also a zone-less time with `T` is UTC.
  for (const stageTimestamp of ['2024-11-13 18:34:10.595141000', '2024-11-13T18:34:10.595141']) {
    const result = normaliseAuditEvent({ ...load('deployment-create'), stageTimestamp }, options);
    assert.equal(
      result.kind === 'changes' && result.changes[0]?.time,
      Date.parse('2024-11-13T18:34:10.595Z'),
      stageTimestamp,
    );
  }
});
