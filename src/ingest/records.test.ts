import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { sortByEventTime } from '../formats/cloudtrail/parse.ts';
import { readRecords, type InputRecord } from './records.ts';

async function read(text: string): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const record of readRecords(Readable.from([text]))) out.push(record);
  return out;
}

const audit = (id: string) => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  auditID: id,
  stage: 'ResponseComplete',
  verb: 'get',
});

test('NDJSON audit logs stream line by line, with line numbers, bad lines reported', async () => {
  const records = await read(`${JSON.stringify(audit('a'))}\n\n${JSON.stringify(audit('b'))}\n{"truncated": \n`);
  assert.deepEqual(
    records.map((record) => ('error' in record ? `${record.line}: error` : `${record.line}: ${record.format}`)),
    ['1: kubernetes-audit', '3: kubernetes-audit', '4: error'],
  );
});

test('EventList documents: items without kind/apiVersion are audit events', async () => {
  const { kind: _k, apiVersion: _a, ...bare } = audit('x');
  const records = await read(
    JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [bare, audit('y')] }),
  );
  assert.deepEqual(
    records.map((record) => 'format' in record && record.format),
    ['kubernetes-audit', 'kubernetes-audit'],
  );
  assert.deepEqual(
    records.map((record) => 'where' in record && record.where),
    ['items[0]', 'items[1]'],
  );
});

test('pretty-printed CloudTrail files and LookupEvents output are read whole, in event-time order', async () => {
  const record = (id: string, time: string) => ({
    eventID: id,
    eventTime: time,
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateRole',
  });
  const file = JSON.stringify(
    { Records: [record('late', '2024-01-02T00:00:00Z'), record('early', '2024-01-01T00:00:00Z')] },
    null,
    2,
  );
  const records = await read(file);
  assert.deepEqual(
    records.map((entry) => 'value' in entry && (entry.value as { eventID: string }).eventID),
    ['early', 'late'],
  );
  const lookup = await read(
    JSON.stringify({
      Events: [{ EventId: 'e', CloudTrailEvent: JSON.stringify(record('e', '2024-01-01T00:00:00Z')) }],
    }),
  );
  assert.equal(lookup.length, 1);
  assert.equal('format' in (lookup[0] as InputRecord) && (lookup[0] as { format: string }).format, 'cloudtrail');
});

test('generic events and YAML object dumps are recognised; unknown shapes are rejected with a reason', async () => {
  const generic = await read('{"id":"1","time":"2024-01-01T00:00:00Z","actor":{"name":"a"},"path":"x","object":{}}\n');
  assert.equal('format' in (generic[0] as InputRecord) && (generic[0] as { format: string }).format, 'generic');
  const objects = await read(
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: List\nitems:\n  - ' +
      'apiVersion: v1\n    kind: Service\n    metadata: {name: b}\n',
  );
  assert.deepEqual(
    objects.map((record) => 'format' in record && record.format),
    ['kubernetes-object', 'kubernetes-object'],
  );
  const unknown = await read('{"hello":"world"}\n');
  assert.match(
    (unknown[0] as { error: string }).error,
    /not an audit event, CloudTrail record, generic event or Kubernetes object/,
  );
  const broken = await read('{\n  "Records": [\n');
  assert.match((broken[0] as { error: string }).error, /invalid JSON/);
});

test(
  'sortByEventTime: oldest first with the original index; errors and unreadable times count as 0; ties keep ' +
    'their order',
  () => {
    const at = (id: string, eventTime: unknown) => ({ record: { eventID: id, eventTime } });
    const entries = [
      at('b', '2024-01-02T00:00:00Z'),
      { error: 'broken' },
      at('a', '2024-01-01T00:00:00Z'),
      at('x', 'not a time'),
      at('c', '2024-01-02T00:00:00Z'),
      at('y', 7),
    ];
    assert.deepEqual(
      sortByEventTime(entries).map(
        ([index, entry]) => `${index}:${'record' in entry ? entry.record['eventID'] : 'error'}`,
      ),
      ['1:error', '3:x', '5:y', '2:a', '0:b', '4:c'],
    );
  },
);
