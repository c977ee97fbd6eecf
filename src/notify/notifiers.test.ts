// Every channel kind, with the shipped templates, against fake receivers that enforce each
// provider's documented shape and limits.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { FakeChatServer } from '../../test/fakes/chat-server.ts';
import { sampleItem, sampleNotification } from '../../test/helpers/notification.ts';
import { CHANNEL_KINDS } from './channel-kinds.ts';
import { ChannelConfig } from './config.ts';
import { DeliveryError, type Notifier } from './notifier.ts';
import { createNotifier } from './registry.ts';
import { loadTemplates } from './template.ts';

const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');
let chat: FakeChatServer;
const env: NodeJS.ProcessEnv = {};

before(async () => {
  chat = await FakeChatServer.start();
  env['SLACK_URL'] = chat.url('slack');
  env['TEAMS_URL'] = chat.url('teams');
  env['DISCORD_URL'] = chat.url('discord');
  env['MM_URL'] = chat.url('mattermost');
  env['HOOK_SECRET'] = chat.webhookSecret;
});
after(() => chat.close());

function notifier(config: unknown): Notifier {
  const { templates, problems } = loadTemplates(TEMPLATES);
  assert.deepEqual(problems, []);
  return createNotifier(ChannelConfig.parse(config), {
    id: 'security',
    templates,
    log: pino({ level: 'silent' }),
    env,
    timeoutMs: 5_000,
  });
}

const slack = () => notifier({ kind: 'slack', url: { env: 'SLACK_URL' } });
const discord = () => notifier({ kind: 'discord', url: { env: 'DISCORD_URL' } });
const signal = () => new AbortController().signal;
const body = (receipt: { body: unknown } | undefined) => receipt?.body as Record<string, unknown>;

test('the shipped templates load for every channel kind', () => {
  const { templates, problems } = loadTemplates(TEMPLATES);
  assert.deepEqual(problems, []);
  for (const kind of CHANNEL_KINDS) assert.ok(templates.resolve(kind, null), `templates/${kind}.yaml`);
});

test('slack: Block Kit within limits with a text fallback; who, what, when, diff and links', async () => {
  const huge = sampleItem({ excerpt: Array.from({ length: 400 }, (_, i) => `+line ${i} <b>&</b>`).join('\n') });
  await slack().send(sampleNotification({ items: [huge] }), signal());
  const [receipt] = chat.delivered('slack').slice(-1);
  assert.equal(receipt?.status, 200);
  assert.equal(receipt?.problem, null);
  const payload = body(receipt);
  assert.match(payload['text'] as string, /Kubernetes RBAC changed: alice@example.com create rbac/);
  const blocks = JSON.stringify(payload['blocks']);
  for (const expected of [
    'alice@example.com',
    'clusterrolebindings ops-admin',
    '2026-05-04T09:01:00.000Z',
    'kubernetes-audit',
    'https://gitrail.example.com/commit/',
    'https://github.com/acme/audit/commit/',
  ]) {
    assert.ok(blocks.includes(expected), `blocks mention ${expected}`);
  }
  assert.ok(blocks.includes('&lt;b&gt;&amp;&lt;/b&gt;'), 'mrkdwn control characters are escaped in the excerpt');
});

test('slack: 429 with Retry-After and 5xx are retryable DeliveryErrors; 410 is not', async () => {
  chat.failNext('slack', { status: 429, retryAfter: 1 }, { status: 503 }, { status: 410 });
  const attempt = () => slack().send(sampleNotification(), signal());
  await assert.rejects(
    attempt,
    (error: unknown) =>
      error instanceof DeliveryError && error.retryable && error.status === 429 && error.retryAfterMs === 1000,
  );
  await assert.rejects(
    attempt,
    (error: unknown) => error instanceof DeliveryError && error.retryable && error.status === 503,
  );
  await assert.rejects(
    attempt,
    (error: unknown) =>
      error instanceof DeliveryError &&
      !error.retryable &&
      error.status === 410 &&
      /channel_is_archived/.test(error.message),
  );
});

test('teams: a Workflows message with one Adaptive Card attachment, answered 202', async () => {
  await notifier({ kind: 'teams', url: { env: 'TEAMS_URL' } }).send(sampleNotification(), signal());
  const [receipt] = chat.delivered('teams').slice(-1);
  assert.equal(receipt?.status, 202);
  const attachment = (body(receipt)['attachments'] as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
  assert.equal(attachment['contentType'], 'application/vnd.microsoft.card.adaptive');
  assert.match(JSON.stringify(attachment['content']), /"type":"FactSet".*"title":"Who","value":"alice@example.com"/);
});

test('discord: content within 2000 characters, no mentions, answered 204; retry_after honoured', async () => {
  const loud = sampleItem({ actor: { name: '@everyone', email: 'x@example.com' }, excerpt: 'x'.repeat(5000) });
  await discord().send(sampleNotification({ items: [loud] }), signal());
  const [receipt] = chat.delivered('discord').slice(-1);
  assert.equal(receipt?.status, 204);
  const payload = body(receipt);
  assert.ok((payload['content'] as string).length <= 2000);
  assert.deepEqual(payload['allowed_mentions'], { parse: [] });
  assert.match(payload['content'] as string, /https:\/\/gitrail.example.com\/commit\//, 'links survive the shortening');

  chat.failNext('discord', { status: 429, retryAfter: 0.25 });
  await assert.rejects(
    discord().send(sampleNotification(), signal()),
    (error: unknown) => error instanceof DeliveryError && error.retryable && error.retryAfterMs === 250,
  );
});

test('mattermost: Slack-compatible text with mentions defused, answered ok', async () => {
  const loud = sampleItem({ actor: { name: '@channel', email: 'x@example.com' } });
  await notifier({ kind: 'mattermost', url: { env: 'MM_URL' } }).send(sampleNotification({ items: [loud] }), signal());
  const [receipt] = chat.delivered('mattermost').slice(-1);
  const text = body(receipt)['text'] as string;
  assert.equal(body(receipt)['blocks'], undefined);
  assert.ok(!/@channel/.test(text), 'an @channel in audit data cannot notify the channel');
  assert.match(text, /clusterrolebindings ops-admin/);
});

test('webhook: a signed JSON body with the delivery id as Idempotency-Key', async () => {
  const hook = notifier({ kind: 'webhook', url: chat.url('webhook'), secret: { env: 'HOOK_SECRET' } });
  await hook.send(sampleNotification(), signal());
  await hook.send(sampleNotification({ attempt: 2, resumed: true }), signal());
  const receipts = chat.receipts.filter((receipt) => receipt.kind === 'webhook');
  assert.deepEqual(
    receipts.map((receipt) => [receipt.status, receipt.duplicate, receipt.headers['idempotency-key']]),
    [
      [200, false, 'b6f1c2de-0000-4000-8000-000000000001'],
      [200, true, 'b6f1c2de-0000-4000-8000-000000000001'],
    ],
  );
  const payload = body(receipts[0]);
  assert.equal((payload['items'] as unknown[]).length, 1);
  assert.equal((payload['policy'] as Record<string, unknown>)['name'], 'kubernetes-rbac');
});

test('a channel whose secret is not set fails at start, naming the key', () => {
  assert.throws(
    () => notifier({ kind: 'slack', url: { env: 'NOT_SET_ANYWHERE' } }),
    /notify.channels.security.url: environment variable NOT_SET_ANYWHERE is not set/,
  );
});
