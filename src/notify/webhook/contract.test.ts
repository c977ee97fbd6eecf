// The signed-webhook contract as the README documents it, checked against what the notifier
// really sends to a receiver: the same headers, every body field, the signature scheme.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { FakeChatServer } from '../../../test/fakes/chat-server.ts';
import { sampleNotification } from '../../../test/helpers/notification.ts';
import { ChannelConfig } from '../config.ts';
import { createNotifier } from '../registry.ts';
import { loadTemplates } from '../template.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function readmeContract(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /\*\*The signed webhook\*\*[\s\S]*?```http\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'the README shows the webhook request');
  return block;
}

test('the README names every header and body field the signed webhook sends, and its signature scheme', async (t) => {
  const chat = await FakeChatServer.start();
  t.after(() => chat.close());
  const { templates } = loadTemplates(join(ROOT, 'templates'));
  const hook = createNotifier(
    ChannelConfig.parse({ kind: 'webhook', url: chat.url('webhook'), secret: { env: 'HOOK_SECRET' } }),
    {
      id: 'audit-hook',
      templates,
      log: pino({ level: 'silent' }),
      env: { HOOK_SECRET: chat.webhookSecret },
      timeoutMs: 5_000,
    },
  );
  await hook.send(sampleNotification(), new AbortController().signal);
  const [receipt] = chat.receipts.filter((r) => r.kind === 'webhook');
  assert.ok(receipt);
  const contract = readmeContract();
  const documented = [...contract.matchAll(/^([A-Za-z0-9-]+): /gm)].map((m) => (m[1] as string).toLowerCase()).sort();
  const sent = Object.keys(receipt.headers)
    .filter((name) => name.startsWith('x-gitrail-') || name === 'idempotency-key' || name === 'content-type')
    .sort();
  assert.deepEqual(documented, sent);
  const payload = receipt.body as Record<string, unknown>;
  const item = (payload['items'] as Array<Record<string, unknown>>)[0] ?? {};
  const message = payload['message'] as Record<string, unknown>;
  for (const key of [...Object.keys(payload), ...Object.keys(item), ...Object.keys(message)])
    assert.ok(contract.includes(`"${key}":`), `the README shows the body field ${key}`);
  const signature = `sha256=${createHmac('sha256', chat.webhookSecret).update(receipt.raw).digest('hex')}`;
  assert.equal(receipt.headers['x-gitrail-signature-256'], signature);
  assert.match(contract, /X-Gitrail-Signature-256: sha256=<hex HMAC-SHA256 of the raw body/);
  assert.equal(receipt.headers['idempotency-key'], payload['id']);
});
