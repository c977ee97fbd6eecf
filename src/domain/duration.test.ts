import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Duration } from '../config/duration.ts';
import { formatDuration, parseDuration } from './duration.ts';

test('parses and formats durations', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('soon'), null);
  assert.equal(parseDuration('5 m'), null);
  assert.equal(Duration.parse(1500), 1500);
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(formatDuration(86_400_000 + 1), '1d1ms');
});
