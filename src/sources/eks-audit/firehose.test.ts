import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createRedactor } from '../../normalise/redact.ts';
import { normaliseAuditEvent } from '../../formats/kubernetes-audit/normalise.ts';
import { accessKeyMatches, decodeDelivery, MAX_PAYLOAD_BYTES, reply } from './firehose.ts';
import { withIamAuthor } from './identity.ts';

const redact = createRedactor(Buffer.alloc(32, 7));
const STREAM = 'kube-apiserver-audit-0a1b2c3d4e5f';

// The user block of a real EKS audit event (see __fixtures__/PROVENANCE.md), on a change of our own.
const corpusEvent = readFileSync(new URL('./__fixtures__/panther-eks-pod-log.event.json', import.meta.url), 'utf8');
const corpusUser = JSON.parse(corpusEvent).user;

function change(n: number): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `00000000-0000-4000-8000-00000000000${n}`,
    stage: 'ResponseComplete',
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/configmaps',
    user: corpusUser,
    objectRef: { resource: 'configmaps', namespace: 'default', name: `app-${n}`, apiVersion: 'v1' },
    responseStatus: { code: 201 },
    responseObject: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `app-${n}`, namespace: 'default' } },
    requestReceivedTimestamp: '2026-11-02T10:00:00.000000Z',
    stageTimestamp: `2026-11-02T10:00:0${n}.000000Z`,
  };
}

function record(payload: unknown): { data: string } {
  return { data: gzipSync(JSON.stringify(payload)).toString('base64') };
}

const dataMessage = (logStream: string, messages: string[]) => ({
  messageType: 'DATA_MESSAGE',
  owner: '123412341234',
  logGroup: '/aws/eks/prod/cluster',
  logStream,
  subscriptionFilters: ['gitrail'],
  logEvents: messages.map((message, i) => ({ id: `3721${i}`, timestamp: 1793613600000 + i, message })),
});

test('a Firehose delivery yields the same commits as the webhook, authored by the IAM session', () => {
  const events = [change(1), change(2)];
  const body = {
    requestId: 'ed4acda5-034f-9f42-bba1-f29aea6d7d8f',
    timestamp: 1793613600500,
    records: [
      record({ messageType: 'CONTROL_MESSAGE', logGroup: '', logStream: '', logEvents: [] }),
      record(
        dataMessage(
          STREAM,
          events.map((e) => JSON.stringify(e)),
        ),
      ),
      record(dataMessage('authenticator-0a1b2c3d', ['time="…" level=info msg="access granted"'])),
    ],
  };
  const decoded = decodeDelivery(JSON.parse(JSON.stringify(body)));
  assert.equal(decoded.requestId, body.requestId);
  assert.deepEqual(decoded.problems, []);
  assert.deepEqual(
    decoded.events.map((e) => e.event),
    events,
  );
  for (const [i, { event }] of decoded.events.entries()) {
    const webhook = normaliseAuditEvent(events[i], { cluster: 'prod', redact });
    const eks = withIamAuthor(normaliseAuditEvent(event, { cluster: 'prod', redact }), event);
    assert.ok(webhook.kind === 'changes' && eks.kind === 'changes');
    assert.deepEqual(
      eks.changes.map((c) => [c.path, c.trailers, c.update]),
      webhook.changes.map((c) => [c.path, c.trailers, c.update]),
    );
    assert.deepEqual(
      eks.changes.map((c) => c.author),
      [{ name: '1669660343296132000', email: '1669660343296132000@123412341234.aws.invalid' }],
    );
  }
});

test('poison records are refused one by one with the record named; the rest is delivered', () => {
  const decoded = decodeDelivery({
    requestId: 'r1',
    timestamp: 1,
    records: [
      { data: 'not base64 gzip' },
      {},
      record('a string'),
      record({ messageType: 'SOMETHING_ELSE' }),
      record(dataMessage(STREAM, ['{cut', `${JSON.stringify(change(3)).slice(0, 100)}[Truncated...]`])),
      record(dataMessage(STREAM, [JSON.stringify(change(4))])),
    ],
  });
  assert.deepEqual(decoded.problems, [
    'record 0: data is not base64 of a gzipped CloudWatch Logs payload',
    'record 1: has no base64 data',
    'record 2: payload is not a JSON object',
    'record 3: messageType "SOMETHING_ELSE" is not DATA_MESSAGE',
    `${STREAM}#37210: message is not JSON: Expected property name or '}' in JSON at position 1 (line 1 column 2)`,
    `${STREAM}#37211: audit event was truncated by CloudWatch Logs (over 256 KiB)`,
  ]);
  assert.deepEqual(
    decoded.events.map((e) => e.event['auditID']),
    [change(4)['auditID']],
  );
});

test('a body that is not a Firehose request is an error; replies carry requestId and timestamp', () => {
  assert.throws(() => decodeDelivery([]), /request body is not a JSON object/);
  assert.throws(() => decodeDelivery({ records: [] }), /request has no requestId/);
  assert.throws(() => decodeDelivery({ requestId: 'x' }), /request has no records array/);
  assert.deepEqual(reply('x', 5), { status: 200, body: { requestId: 'x', timestamp: 5 } });
  assert.deepEqual(reply('x', 5, 401, 'wrong access key'), {
    status: 401,
    body: { requestId: 'x', timestamp: 5, errorMessage: 'wrong access key' },
  });
  assert.equal(accessKeyMatches('s3cret', 's3cret'), true);
  assert.equal(accessKeyMatches('s3cre', 's3cret'), false);
  assert.equal(accessKeyMatches(undefined, 's3cret'), false);
});

test('issue 10: a record whose payload gunzips past the cap is refused alone, naming it; the rest is delivered', () => {
  const padding = ' '.repeat(MAX_PAYLOAD_BYTES);
  const bomb = { data: gzipSync(`${padding}${JSON.stringify(dataMessage(STREAM, ['{}']))}`).toString('base64') };
  assert.ok(bomb.data.length < 100_000, 'a few KiB on the wire');
  const decoded = decodeDelivery({
    requestId: 'r-bomb',
    timestamp: 0,
    records: [bomb, record(dataMessage(STREAM, [JSON.stringify(change(5))]))],
  });
  assert.deepEqual(decoded.problems, [
    `record 0: data is larger than ${MAX_PAYLOAD_BYTES} bytes gunzipped, the cap; not read`,
  ]);
  assert.equal(decoded.events.length, 1);
});
