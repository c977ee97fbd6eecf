import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeBatch } from '../domain/batch.ts';
import type { ChangeRecord } from '../domain/change.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { contentId, decodeShardBatch, encodeShardBatch, shardOfSubject } from './message.ts';

function record(index: number, size = 10): ChangeRecord {
  return {
    eventId: `e-${index}`,
    branch: 'main',
    path: `custom/hooks/${index}.yaml`,
    update: { kind: 'put', doc: { data: 'x'.repeat(size) } },
    author: { name: 'alice', email: 'alice@example.com' },
    time: index,
    subject: 'update',
    trailers: [['Event-ID', `e-${index}`]],
    source: 'generic/hooks',
  };
}

const batch = (changes: ChangeRecord[], receivedAt = 1): ChangeBatch => ({
  source: 'generic/hooks',
  receivedAt,
  changes,
  facts: [],
  ignored: 2,
  rejected: 0,
});

test('the message id comes from the content, not from when it was received', () => {
  const first = contentId('generic', batch([record(1)], 1000));
  assert.equal(contentId('generic', batch([record(1)], 2000)), first, 'a retried batch has the same id');
  assert.notEqual(contentId('generic', batch([record(2)], 1000)), first);
  assert.notEqual(contentId('other', batch([record(1)], 1000)), first, 'the same content on another shard differs');
});

test('a part larger than max_payload is cut into chunks of whole records that decode back', () => {
  const changes = Array.from({ length: 40 }, (_, index) => record(index, 2000));
  const messages = encodeShardBatch('gitrail', 'generic', batch(changes), 32 * 1024);
  assert.ok(messages.length > 1);
  for (const message of messages) {
    assert.ok(message.payload.length <= 32 * 1024 - 4096);
    assert.equal(message.subject, 'gitrail.shard.generic');
  }
  assert.equal(new Set(messages.map((message) => message.msgId)).size, messages.length);
  const decoded = messages.map((message) => decodeShardBatch(message.payload));
  assert.deepEqual(
    decoded.flatMap((part) => part?.changes.map((change) => change.eventId)),
    changes.map((change) => change.eventId),
  );
  assert.deepEqual(
    decoded.map((part) => part?.ignored),
    [2, ...Array(messages.length - 1).fill(0)],
  );
  const again = encodeShardBatch('gitrail', 'generic', batch(changes, 99), 32 * 1024);
  assert.deepEqual(
    again.map((message) => message.msgId),
    messages.map((message) => message.msgId),
    'chunks of a retried batch keep their ids',
  );
});

test('one record larger than max_payload is refused with its path', () => {
  assert.throws(
    () => encodeShardBatch('gitrail', 'generic', batch([record(1, 40_000)]), 32 * 1024),
    (error: unknown) => error instanceof InvalidInputError && /custom\/hooks\/1\.yaml.*max_payload/.test(error.message),
  );
});

test('a message that holds no batch decodes to null; subjects name their shard', () => {
  assert.equal(decodeShardBatch(Buffer.from('not json')), null);
  assert.equal(decodeShardBatch(Buffer.from('{"source":1}')), null);
  assert.equal(shardOfSubject('gitrail', 'gitrail.shard.kubernetes-prod'), 'kubernetes-prod');
  assert.equal(shardOfSubject('gitrail', 'other.shard.x'), null);
});
