import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newestFieldManager } from './normalise.ts';

test('managedFields times are ISO 8601 (zone-less: UTC, whatever the host TZ); other text names no time', (t) => {
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  t.after(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  const object = {
    metadata: {
      managedFields: [
        { manager: 'kubectl', operation: 'Update', time: '2024-06-01T12:00:00Z' },
        { manager: 'helm', operation: 'Update', time: '2024-06-01 13:00:00' },
        { manager: 'forged', operation: 'Update', time: 'Sat, 01 Jun 2030 12:00:00 GMT' },
        { manager: 'also-forged', operation: 'Update', time: '2099' },
      ],
    },
  };
  assert.deepEqual(newestFieldManager(object), {
    manager: 'helm',
    operation: 'Update',
    time: Date.UTC(2024, 5, 1, 13),
  });
});
