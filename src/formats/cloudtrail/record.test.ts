// The times CloudTrail records carry once a SIEM has exported them: Panther's zone-less
// `2025-01-21 17:49:47.000000000` (UTC) and Logstash's `@timestamp` in place of `eventTime`,
// from the public corpus; anything that is not a time on the calendar is still refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS } from '../../../test/helpers/corpus.ts';
import { parseCloudTrailText } from './parse.ts';
import { readRecord } from './record.ts';

function corpusRecords(file: string): Array<Record<string, unknown>> {
  return parseCloudTrailText(readFileSync(join(CORPUS, 'cloudtrail', file), 'utf8')).flatMap((entry) =>
    'record' in entry ? [entry.record] : [],
  );
}

test('a SIEM export: eventTime without a zone is UTC, whatever the host TZ', (t) => {
  const zone = process.env.TZ;
  process.env.TZ = 'Asia/Tokyo';
  t.after(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  const [record] = corpusRecords('panther__aws_bedrock_deletemodelinvocationloggingconfiguration.json');
  assert.equal(record?.['eventTime'], '2025-01-21 17:49:47.000000000');
  const read = readRecord(record);
  assert.ok(read.ok, read.ok ? '' : read.reason);
  assert.equal(read.record.time, Date.UTC(2025, 0, 21, 17, 49, 47));
  assert.equal(read.record.eventTime, '2025-01-21T17:49:47.000Z');
});

test('a Logstash export (the cloudtrail codec moves eventTime to @timestamp) is read: all 103 records', () => {
  const records = corpusRecords('otrf-security-datasets__ec2_proxy_s3_exfiltration_2020-09-14011940.json');
  assert.equal(records.length, 103);
  const reads = records.map(readRecord);
  assert.deepEqual(
    reads.flatMap((read) => (read.ok ? [] : [read.reason])),
    [],
  );
  const first = reads[0];
  assert.ok(first?.ok);
  assert.equal(first.record.time, Date.parse('2020-09-14T00:44:23.000Z'));
});

test(
  'garbage is still refused, naming the value: redacted text, dates off the calendar, an eventTime that is ' +
    'not one',
  () => {
    const base = { eventID: 'e1', eventName: 'CreateUser', eventSource: 'iam.amazonaws.com' };
    for (const eventTime of [
      'redacted',
      '...',
      '2024-02-30T10:00:00Z',
      '2023-02-29 10:00:00',
      '2024-06-01T24:00:00Z',
      '2024-06-01T12:00:00+25:00',
      '2025-01-21 17:49:47 UTC',
    ]) {
      const read = readRecord({ ...base, eventTime });
      assert.equal(read.ok, false, eventTime);
      assert.equal(
        read.ok ? '' : read.reason,
        `CloudTrail record has no valid eventTime (${JSON.stringify(eventTime)} is not an ISO 8601 time)`,
      );
    }
    // @timestamp stands in only for a missing eventTime, never for a broken one.
    const broken = readRecord({ ...base, eventTime: 'redacted', '@timestamp': '2020-09-14T00:44:23.000Z' });
    assert.equal(broken.ok, false);
    assert.equal(readRecord({ ...base }).ok, false);
  },
);
