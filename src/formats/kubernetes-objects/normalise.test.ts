import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentWriters } from './field-managers.ts';

test('managedFields times are ISO 8601 (zone-less: UTC, whatever the host TZ); other text names no time', (t) => {
  const zone = process.env.TZ;
  process.env.TZ = 'America/New_York';
  t.after(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  const fieldsV1 = { 'f:spec': {} };
  const object = {
    metadata: {
      managedFields: [
        { manager: 'kubectl', operation: 'Update', time: '2024-06-01T12:00:00Z', fieldsV1 },
        { manager: 'helm', operation: 'Update', time: '2024-06-01 13:00:00', fieldsV1 },
        { manager: 'forged', operation: 'Update', time: 'Sat, 01 Jun 2030 12:00:00 GMT', fieldsV1 },
        { manager: 'also-forged', operation: 'Update', time: '2099', fieldsV1 },
      ],
    },
  };
  assert.deepEqual(documentWriters(object, { spec: { replicas: 1 } }).author, {
    manager: 'helm',
    operation: 'Update',
    time: Date.UTC(2024, 5, 1, 13),
  });
});
