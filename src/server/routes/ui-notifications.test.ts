// What the viewer shows of issue 5: dead letters on /notifications, a rejected mirror push (with
// the remote's message) and failing channels on /sources.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { FakeChatServer } from '../../../test/fakes/chat-server.ts';
import { GitHttpServer } from '../../../test/fakes/git-http-backend.ts';
import { change, startRig } from '../../../test/helpers/notify-rig.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { MirrorConfig } from '../../mirror/config.ts';
import { startMirrors } from '../../mirror/start-mirrors.ts';
import { bearer, buildFixture } from './viewer-fixture.ts';

test('dead letters on /notifications; a rejected push and failing channels on /sources', async (t) => {
  const chat = await FakeChatServer.start();
  t.after(() => chat.close());
  const dir = tempDir(t);
  const rig = await startRig({
    dataDir: join(dir, 'data'),
    policies: { 'p.yaml': 'match: {branch: main}\nchannels: [ops]\n' },
    config: { channels: { ops: { kind: 'slack', url: { env: 'URL' } } }, delivery: { maxAttempts: 1 } },
    env: { URL: chat.url('slack') },
  });
  t.after(() => rig.close());
  const server = await GitHttpServer.start(join(dir, 'server'), { username: 'x-access-token', password: 'tok' });
  t.after(() => server.close());
  server.createRepository('audit');
  server.rejectPushes('audit', 'pushes to main need an approved change ticket');
  const mirrors = startMirrors({
    dataDir: join(dir, 'data'),
    mirrors: [MirrorConfig.parse({ url: server.url('audit'), token: { env: 'T' } })],
    ledger: rig.ledger,
    log: pino({ level: 'silent' }),
    env: { T: 'tok' },
  });
  t.after(() => mirrors.stop());

  chat.failNext('slack', { status: 404, body: 'no_service' });
  await rig.commit(change({ path: 'kubernetes/prod/namespaces/shop/core/configmaps/app.yaml' }));
  await mirrors.flush();

  const fx = await buildFixture({
    status: () => [...mirrors.status(), ...rig.notifications.status()],
    notifications: rig.notifications.outbox,
  });
  t.after(() => fx.close());
  const notifications = await (await fx.app.request('/notifications', { headers: bearer })).text();
  assert.match(notifications, /data-testid="dead-letters"/);
  assert.match(notifications, /<code>ops<\/code>[\s\S]*<code>p<\/code>[\s\S]*ops: HTTP 404: no_service/);
  assert.match(notifications, /gitrail notifications retry --dead/);

  const sources = await (await fx.app.request('/sources', { headers: bearer })).text();
  assert.match(sources, /No live source is configured/, 'mirrors and channels are not live sources');
  assert.match(
    sources,
    new RegExp(
      String.raw`<h2>Mirrors<\/h2>\s*<table data-testid="mirrors">[\s\S]*<code>mirror\/audit<\/code><\/td>` +
        String.raw`\s*<td><span class="badge state-failing">failing`,
    ),
  );
  assert.match(sources, /<h2>Notification channels<\/h2>\s*<table data-testid="channels">/);
  assert.match(
    sources,
    /main: push rejected: pre-receive hook declined; pushes to main need an approved change ticket/,
  );
  assert.match(sources, /<code>notify\/ops<\/code><\/td>\s*<td><span class="badge state-failing">failing/);
  assert.match(sources, /1 dead letter: see \/notifications/);
});

test('/notifications says so when notifications are not configured', async (t) => {
  const fx = await buildFixture();
  t.after(() => fx.close());
  const res = await fx.app.request('/notifications', { headers: bearer });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Notifications are not configured/);
  assert.equal((await fx.app.request('/notifications')).status, 302, 'like every page, it needs a reader');
});
