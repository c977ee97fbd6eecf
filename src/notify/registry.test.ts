// Every channel folder is registered and has a default template; every HTTP channel honours
// the shared contract against its fake receiver: resolves on success, retryable on 5xx and
// 429 (with the wait the receiver asked for), not retryable on other 4xx.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { FakeChatServer, type ChatKind } from '../../test/fakes/chat-server.ts';
import { sampleNotification } from '../../test/helpers/notification.ts';
import { CHANNEL_KINDS } from './channel-kinds.ts';
import { ChannelConfig } from './config.ts';
import { DeliveryError } from './notifier.ts';
import { CHANNEL_PLUGINS, createNotifier } from './registry.ts';
import { loadTemplates } from './template.ts';

const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');

test('every channel folder is a registered kind with a default template', () => {
  const folders = readdirSync(import.meta.dirname, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(import.meta.dirname, entry.name, 'notifier.ts')))
    .map((entry) => entry.name)
    .sort();
  assert.deepEqual(folders, [...CHANNEL_KINDS].sort());
  assert.deepEqual(Object.keys(CHANNEL_PLUGINS).sort(), [...CHANNEL_KINDS].sort());
  for (const kind of CHANNEL_KINDS) assert.ok(existsSync(join(TEMPLATES, `${kind}.yaml`)), `templates/${kind}.yaml`);
});

let chat: FakeChatServer;
before(async () => {
  chat = await FakeChatServer.start();
});
after(() => chat.close());

const HTTP_KINDS: ReadonlyArray<ChatKind> = ['slack', 'teams', 'discord', 'mattermost', 'webhook'];

for (const kind of HTTP_KINDS) {
  test(`${kind}: the notifier contract`, async () => {
    const { templates } = loadTemplates(TEMPLATES);
    const raw =
      kind === 'webhook'
        ? { kind, url: chat.url(kind, 'contract'), secret: { env: 'SECRET' } }
        : { kind, url: { env: 'URL' } };
    const notifier = createNotifier(ChannelConfig.parse(raw), {
      id: 'contract',
      templates,
      log: pino({ level: 'silent' }),
      env: { URL: chat.url(kind, 'contract'), SECRET: chat.webhookSecret },
      timeoutMs: 5_000,
    });
    assert.equal(notifier.kind, kind);
    assert.equal(notifier.isIdempotent, kind === 'webhook');
    const signal = new AbortController().signal;
    await notifier.send(sampleNotification({ id: `${kind}-ok` }), signal);
    chat.failNext(kind, { status: 503 }, { status: 429, retryAfter: 2 }, { status: 404 });
    await assert.rejects(
      notifier.send(sampleNotification({ id: `${kind}-1` }), signal),
      (e: unknown) => e instanceof DeliveryError && e.retryable && e.status === 503,
    );
    await assert.rejects(
      notifier.send(sampleNotification({ id: `${kind}-2` }), signal),
      (e: unknown) => e instanceof DeliveryError && e.retryable && e.retryAfterMs === 2000,
    );
    await assert.rejects(
      notifier.send(sampleNotification({ id: `${kind}-3` }), signal),
      (e: unknown) => e instanceof DeliveryError && !e.retryable && e.status === 404,
    );
    const accepted = chat.delivered(kind).filter((receipt) => receipt.channel === 'contract');
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0]?.problem, null);
  });
}
