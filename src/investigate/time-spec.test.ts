import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../domain/errors.ts';
import { formatInstant, parseDurationMs, parseInstant, requireDuration } from './time-spec.ts';

const now = Date.parse('2026-03-02T01:40:00Z');
const at = (text: string) => formatInstant(parseInstant(text, now));

test('ISO-8601 instants, with or without zone (zone-less is UTC) and with offsets', () => {
  assert.equal(at('2026-03-02T01:05:01Z'), '2026-03-02T01:05:01Z');
  assert.equal(at('2026-03-02T01:05:01.250Z'), '2026-03-02T01:05:01Z');
  assert.equal(at('2026-03-02 01:05'), '2026-03-02T01:05:00Z');
  assert.equal(at('2026-03-02'), '2026-03-02T00:00:00Z');
  assert.equal(at('2026-03-02T03:05:01+02:00'), '2026-03-02T01:05:01Z');
  assert.equal(at('2026-03-01T20:05:01-0500'), '2026-03-02T01:05:01Z');
});

test('relative forms count back from the injected now', () => {
  assert.equal(at('2h'), '2026-03-01T23:40:00Z');
  assert.equal(at('1d'), '2026-03-01T01:40:00Z');
  assert.equal(at('1h30m'), '2026-03-02T00:10:00Z');
  assert.equal(at('30m ago'), '2026-03-02T01:10:00Z');
  assert.equal(at('1h 30m ago'), '2026-03-02T00:10:00Z');
  assert.equal(at('-15m'), '2026-03-02T01:25:00Z');
  assert.equal(at('now'), '2026-03-02T01:40:00Z');
  assert.equal(at('@1772413500'), '2026-03-02T01:05:00Z');
});

test('calendar words and times of day are UTC; a bare time of day is the last such instant', () => {
  assert.equal(at('today'), '2026-03-02T00:00:00Z');
  assert.equal(at('yesterday'), '2026-03-01T00:00:00Z');
  assert.equal(at('yesterday 14:30'), '2026-03-01T14:30:00Z');
  assert.equal(at('01:00'), '2026-03-02T01:00:00Z');
  assert.equal(at('02:00'), '2026-03-01T02:00:00Z', 'later than now today: yesterday');
  assert.equal(at('Yesterday'), '2026-03-01T00:00:00Z');
});

test('a bad time is an INVALID_INPUT error naming the option, the text and the accepted forms', () => {
  for (const bad of [
    '',
    'soon',
    '2026-02-30',
    '2026-13-01',
    '25:00',
    'yesterday 25:00',
    '2h later',
    '3x',
    '2026/03/02',
  ]) {
    assert.throws(
      () => parseInstant(bad, now, '--since'),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInputError);
        assert.equal(error.code, 'INVALID_INPUT');
        assert.match(
          error.message,
          new RegExp(`^bad --since '${bad.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')}': expected .*ISO-8601.*2h`),
        );
        return true;
      },
      bad,
    );
  }
});

test('durations for --window', () => {
  assert.equal(parseDurationMs('30m'), 30 * 60_000);
  assert.equal(parseDurationMs('1h30m'), 90 * 60_000);
  assert.equal(parseDurationMs('1.5h'), 90 * 60_000);
  assert.equal(parseDurationMs('2w'), 14 * 86_400_000);
  assert.equal(parseDurationMs('10'), null);
  assert.equal(parseDurationMs('h'), null);
  assert.throws(() => requireDuration('0m', '--window'), /bad --window '0m': expected a duration/);
  assert.throws(() => requireDuration('soon', '--window'), InvalidInputError);
});
