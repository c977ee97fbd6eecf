import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractCloudTrailRecords, looksLikeCloudTrail, parseCloudTrailText } from './parse.ts';

const record = {
  eventVersion: '1.09',
  eventID: 'e1',
  eventName: 'PutBucketPolicy',
  eventSource: 's3.amazonaws.com',
  eventTime: '2024-06-01T12:00:00Z',
};

test('S3 delivery files, single records and arrays', () => {
  assert.deepEqual(extractCloudTrailRecords({ Records: [record, { ...record, eventID: 'e2' }] }), [
    { record },
    { record: { ...record, eventID: 'e2' } },
  ]);
  assert.deepEqual(extractCloudTrailRecords(record), [{ record }]);
  assert.deepEqual(extractCloudTrailRecords([record, 7]), [{ record }, { error: '[1] is not a JSON object' }]);
  assert.deepEqual(extractCloudTrailRecords({ Records: 'x' }), [{ error: 'Records is not an array' }]);
});

test('LookupEvents responses and items: the record is parsed from CloudTrailEvent', () => {
  const item = {
    EventId: 'e1',
    EventName: 'PutBucketPolicy',
    ReadOnly: 'false',
    EventTime: 1717171717,
    CloudTrailEvent: JSON.stringify(record),
  };
  assert.deepEqual(extractCloudTrailRecords({ Events: [item], NextToken: 't2' }), [{ record }]);
  assert.deepEqual(extractCloudTrailRecords(item), [{ record }]);
  assert.deepEqual(
    extractCloudTrailRecords({ Events: [{ ...item, CloudTrailEvent: '{"eventID":' }] }).map(
      (entry) => 'error' in entry,
    ),
    [true],
  );
  assert.match(
    JSON.stringify(extractCloudTrailRecords({ Events: [{ ...item, CloudTrailEvent: 3 }] })),
    /Events\[0\]\.CloudTrailEvent is not a JSON string/,
  );
});

test('EventBridge envelopes carry the record in detail', () => {
  const envelope = {
    version: '0',
    id: 'x',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.s3',
    detail: record,
  };
  assert.deepEqual(extractCloudTrailRecords(envelope), [{ record }]);
  assert.match(
    JSON.stringify(
      extractCloudTrailRecords({
        ...envelope,
        'detail-type': 'EC2 Instance State-change Notification',
        detail: { state: 'running' },
      }),
    ),
    /without a CloudTrail record/,
  );
});

test('digest files hold no records; S3 notifications are not CloudTrail', () => {
  const digest = {
    awsAccountId: '111122223333',
    digestStartTime: '2024-06-01T11:00:00Z',
    digestEndTime: '2024-06-01T12:00:00Z',
    logFiles: [],
  };
  assert.deepEqual(extractCloudTrailRecords(digest), []);
  assert.equal(looksLikeCloudTrail(digest), true);
  const notification = {
    Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: {} }],
  };
  assert.match(JSON.stringify(extractCloudTrailRecords(notification)), /aws:s3 notification/);
  assert.equal(looksLikeCloudTrail(notification), false);
});

test('text: one document or one per line, each line with its own error', () => {
  assert.deepEqual(parseCloudTrailText(JSON.stringify({ Records: [record] })), [{ record }]);
  const lines = `${JSON.stringify(record)}\nnot json\n\n${JSON.stringify({ ...record, eventID: 'e3' })}\n`;
  const entries = parseCloudTrailText(lines);
  assert.equal(entries.length, 3);
  assert.match(JSON.stringify(entries[1]), /line 2 is not valid JSON/);
  assert.match(JSON.stringify(parseCloudTrailText('{')), /not valid JSON/);
});

test('format detection', () => {
  assert.equal(looksLikeCloudTrail({ Records: [record] }), true);
  assert.equal(looksLikeCloudTrail({ Records: [] }), true);
  assert.equal(looksLikeCloudTrail([record]), true);
  assert.equal(looksLikeCloudTrail(record), true);
  assert.equal(looksLikeCloudTrail({ Events: [{ EventId: 'e1', CloudTrailEvent: '{}' }] }), true);
  assert.equal(looksLikeCloudTrail({ 'detail-type': 'AWS API Call via CloudTrail', detail: {} }), true);
  assert.equal(looksLikeCloudTrail({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [] }), false);
  assert.equal(looksLikeCloudTrail({ id: 'x', time: 'now', path: 'a/b' }), false);
  assert.equal(looksLikeCloudTrail('text'), false);
});
