import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUtcTimestamp, utcTimestampText } from './timestamp.ts';

test('a time without a zone is UTC, whatever the host TZ', (t) => {
  // Read far from UTC: under TZ=UTC a local-time parse would pass too.
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  t.after(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  const noon = Date.UTC(2024, 5, 1, 12);
  assert.equal(parseUtcTimestamp('2024-06-01T12:00:00'), noon);
  assert.equal(parseUtcTimestamp('2024-06-01 12:00:00'), noon);
  assert.equal(parseUtcTimestamp('2024-06-01T12:00'), noon);
  assert.equal(parseUtcTimestamp('2024-06-01 12:00:00.123456789'), noon + 123);
  assert.equal(parseUtcTimestamp('2024-06-01'), Date.UTC(2024, 5, 1));
});

test('a time with a zone is read in its zone', () => {
  const noon = Date.UTC(2024, 5, 1, 12);
  assert.equal(parseUtcTimestamp('2024-06-01T12:00:00Z'), noon);
  assert.equal(parseUtcTimestamp('2024-06-01T12:00:00.5Z'), noon + 500);
  assert.equal(parseUtcTimestamp('2024-06-01T14:00:00+02:00'), noon);
  assert.equal(parseUtcTimestamp('2024-06-01T07:00:00-0500'), noon);
  assert.equal(parseUtcTimestamp(' 2024-06-01T12:00:00Z '), noon);
});

test('RFC 3339 text is kept as written; other forms are rebuilt with T, milliseconds and Z', () => {
  assert.equal(utcTimestampText('2024-06-01T12:00:00.123456Z'), '2024-06-01T12:00:00.123456Z');
  assert.equal(utcTimestampText('2024-06-01T12:00:00+02:00'), '2024-06-01T12:00:00+02:00');
  assert.equal(utcTimestampText('2024-06-01 12:00:00'), '2024-06-01T12:00:00Z');
  assert.equal(utcTimestampText('2024-06-01 12:00:00.000000000'), '2024-06-01T12:00:00.000Z');
  assert.equal(utcTimestampText('2024-06-01T12:00'), '2024-06-01T12:00:00Z');
});

test('the SIEM form of a CloudTrail eventTime is UTC', () => {
  assert.equal(parseUtcTimestamp('2025-01-21 17:49:47.000000000'), Date.UTC(2025, 0, 21, 17, 49, 47));
  assert.equal(utcTimestampText('2025-01-21 17:49:47.000000000'), '2025-01-21T17:49:47.000Z');
});

test('a date or time that is not on the calendar is no time (Date.parse would roll it over)', () => {
  for (const text of [
    '2024-02-30T00:00:00Z',
    '2023-02-29 12:00:00',
    '2024-04-31',
    '2024-00-10T00:00:00Z',
    '2024-06-01T24:00:00Z',
    '2024-06-01 23:60:00',
    '2024-06-01T12:00:00+24:00',
    '2024-06-01T12:00:00-05:60',
  ]) {
    assert.equal(parseUtcTimestamp(text), undefined, text);
  }
  assert.equal(parseUtcTimestamp('2024-02-29T23:59:59Z'), Date.UTC(2024, 1, 29, 23, 59, 59), 'a leap day is one');
});

test('what is not an ISO 8601 time is no time', () => {
  for (const text of [
    'yesterday',
    '',
    '2024-13-01T00:00:00Z',
    '2024-06-01T12:00:00 EST',
    'Sat, 01 Jun 2024 12:00:00 GMT',
    '1717243200',
  ]) {
    assert.equal(parseUtcTimestamp(text), undefined, text);
  }
});
