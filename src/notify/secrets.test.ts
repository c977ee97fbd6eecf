// A secret value never reaches a message, the data folder (outbox included) or a log line: a Secret recorded through
// the real audit normaliser (values become keyed hashes) is announced to Slack and a webhook,
// and neither its value nor the channels' own secrets (webhook URL, HMAC key) show anywhere.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { FakeChatServer } from '../../test/fakes/chat-server.ts';
import { startRig } from '../../test/helpers/notify-rig.ts';
import { assertNoSecrets, secretNeedles } from '../../test/helpers/secrets.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { createRedactor } from '../normalise/redact.ts';
import { normaliseAuditEvent } from '../formats/kubernetes-audit/normalise.ts';

const PLAINTEXT = 'correct-horse-battery-staple';

test('secret values and channel secrets stay out of messages, the outbox and logs', async (t) => {
  const chat = await FakeChatServer.start({ webhookSecret: 'hmac-key-that-must-not-leak' });
  t.after(() => chat.close());
  const lines: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write: (chunk, _encoding, done) => {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const data = join(tempDir(t), 'data');
  const slackUrl = chat.url('slack', 'T000-B000-very-secret-webhook-token');
  const rig = await startRig({
    dataDir: data,
    log,
    policies: { 'secrets.yaml': 'match: {resources: core/secrets}\nchannels: [slack, hook]\n' },
    config: {
      channels: {
        slack: { kind: 'slack', url: { env: 'SLACK_URL' } },
        hook: { kind: 'webhook', url: chat.url('webhook'), secret: { env: 'HOOK_SECRET' } },
      },
    },
    env: { SLACK_URL: slackUrl, HOOK_SECRET: chat.webhookSecret },
  });
  t.after(() => rig.close());
  const event = (value: string, id: string) => ({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    auditID: id,
    stage: 'ResponseComplete',
    verb: 'update',
    user: { username: 'erin@example.com' },
    objectRef: { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    stageTimestamp: `2026-05-04T09:0${id}:00Z`,
    responseObject: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      data: { password: Buffer.from(value).toString('base64') },
      stringData: { token: value },
    },
  });
  const redact = createRedactor(Buffer.alloc(32, 9));
  for (const [value, id] of [
    ['first-value', '1'],
    [PLAINTEXT, '2'],
  ] as const) {
    const result = normaliseAuditEvent(event(value, id), { cluster: 'prod', redact });
    assert.equal(result.kind, 'changes');
    if (result.kind === 'changes') for (const record of result.changes) await rig.ledger.apply({ record });
  }
  await rig.ledger.flush();
  await rig.notifications.idle();

  const bodies = chat.receipts.map((receipt) => receipt.raw);
  assert.equal(bodies.length, 4, 'both changes reached both channels');
  assert.ok(
    bodies.some((body) => body.includes('hmac-sha256:')),
    'the message shows that the value changed (as a short hash)',
  );
  const values = ['first-value', PLAINTEXT];
  const channelSecrets = ['very-secret-webhook-token', chat.webhookSecret];
  for (const secret of [...values.flatMap(secretNeedles), ...channelSecrets]) {
    for (const body of bodies) assert.ok(!body.includes(secret), `a message contains ${secret}`);
    assert.ok(!lines.join('').includes(secret), `a log line contains ${secret}`);
  }
  // Every file of the data folder (the outbox and its WAL, the index, the journal) and every git object.
  assertNoSecrets(data, values, channelSecrets);
});
