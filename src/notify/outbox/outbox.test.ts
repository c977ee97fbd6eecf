// The outbox end to end inside one process: a real ledger, the shipped templates, fake chat
// receivers and a fake clock. Floods are summarised (never dropped), groups collect, silences
// and repeats are recorded but not sent, 429/5xx are retried, dead letters are visible.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { Registry } from 'prom-client';
import { FakeChatServer } from '../../../test/fakes/chat-server.ts';
import { git } from '../../../test/helpers/git.ts';
import { change, startRig, T0, type Rig } from '../../../test/helpers/notify-rig.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { activityLines } from '../../retention/rules.ts';

let chat: FakeChatServer;
before(async () => {
  chat = await FakeChatServer.start();
});
after(() => chat.close());

const CM = 'kubernetes/prod/namespaces/shop/core/configmaps';

async function rig(
  t: TestContext,
  policy: string,
  delivery: object = {},
  channel = 'slack',
): Promise<{ rig: Rig; env: NodeJS.ProcessEnv }> {
  const env = {
    CHAT_URL: chat.url(channel as 'slack', `c-${Math.random().toString(36).slice(2)}`),
    HOOK_SECRET: chat.webhookSecret,
  };
  const config =
    channel === 'webhook'
      ? { channels: { security: { kind: 'webhook', url: env.CHAT_URL, secret: { env: 'HOOK_SECRET' } } } }
      : { channels: { security: { kind: channel, url: { env: 'CHAT_URL' } } } };
  const started = await startRig({
    dataDir: join(tempDir(t), 'data'),
    policies: { 'p.yaml': policy },
    config: { ...config, delivery: { initialBackoff: 1000, maxBackoff: 60_000, maxAttempts: 4, ...delivery } },
    env,
  });
  t.after(() => started.close());
  return { rig: started, env };
}

function receivedOn(env: NodeJS.ProcessEnv, kind: 'slack' | 'webhook' = 'slack') {
  const channel = (env['CHAT_URL'] as string).split('/').at(-1);
  return chat.receipts.filter((receipt) => receipt.kind === kind && receipt.channel === channel);
}

const text = (receipt: { body: unknown }) => JSON.stringify(receipt.body);

test('a match is sent once, with who, what and the diff; unmatched commits are not', async (t) => {
  const { rig: r, env } = await rig(t, 'match: {paths: "kubernetes/*/namespaces/shop/**"}\nchannels: [security]\n');
  await r.commit(
    change({ path: `${CM}/app.yaml`, value: 'v1' }),
    change({ path: 'kubernetes/prod/namespaces/other/core/configmaps/x.yaml' }),
  );
  const received = receivedOn(env);
  assert.equal(received.length, 1);
  assert.equal(received[0]?.status, 200);
  assert.match(text(received[0] as never), /alice@example.com/);
  assert.match(text(received[0] as never), /\+  value: v1/);
  assert.match(
    text(received[0] as never),
    /"url":"https:\/\/gitrail.example.com\/commit\/[0-9a-f]{40}"/,
    "a button to the viewer's diff page",
  );
  assert.deepEqual(
    r.notifications.status().map((s) => [s.id, s.state]),
    [
      ['notify/policies', 'up'],
      ['notify/security', 'up'],
    ],
  );
});

test('a flood past the rate limit is summarised into one message, nothing dropped', async (t) => {
  const { rig: r, env } = await rig(
    t,
    'match: {branch: main}\nchannels: [security]\nnoise: {rateLimit: {max: 3, per: 1h}}\n',
  );
  const records = Array.from({ length: 20 }, (_, i) =>
    change({ path: `${CM}/flood-${i}.yaml`, actor: i % 4 === 3 ? 'bob@example.com' : 'alice@example.com' }),
  );
  await r.commit(...records);
  assert.equal(receivedOn(env).length, 3, 'three messages within the limit, the rest wait for the summary');
  await r.advance(3_600_000);
  const received = receivedOn(env);
  assert.equal(received.length, 4);
  const summary = text(received[3] as never);
  assert.match(summary, /…and 17 more changes matched/);
  assert.match(summary, /12 by alice@example.com, 5 by bob@example.com/);
  const deliveries = r.notifications.outbox.list();
  assert.equal(
    deliveries.reduce((sum, d) => sum + d.matches, 0),
    20,
    'every match belongs to a message',
  );
  assert.ok(deliveries.every((d) => d.state === 'sent'));
});

test('a backlog longer than one evaluation chunk is recorded oldest first, every commit once', async (t) => {
  const { rig: r } = await rig(
    t,
    'match: {branch: main}\nchannels: [security]\nnoise: {rateLimit: {max: 1, per: 1h}}\n',
  );
  const count = 450;
  for (let i = 0; i < count; i += 1) await r.ledger.apply({ record: change({ path: `${CM}/backlog-${i}.yaml` }) });
  await r.ledger.flush();
  await r.notifications.idle();
  const subjects = (
    r.notifications.outbox.db.prepare('SELECT item FROM matches ORDER BY id').all() as Array<{ item: string }>
  ).map((row) => (JSON.parse(row.item) as { subject: string }).subject);
  assert.deepEqual(
    subjects,
    Array.from({ length: count }, (_, i) => `update configmaps backlog-${i}`),
  );
});

test('matches by one actor within the window become one message', async (t) => {
  const { rig: r, env } = await rig(t, 'match: {branch: main}\nchannels: [security]\nnoise: {group: {window: 2m}}\n');
  await r.commit(
    ...[1, 2, 3, 4].map((i) => change({ path: `${CM}/g-${i}.yaml` })),
    change({ path: `${CM}/g-bob.yaml`, actor: 'bob@example.com' }),
  );
  assert.equal(receivedOn(env).length, 0, 'groups collect until the window closes');
  await r.advance(120_000);
  const received = receivedOn(env).map((receipt) => text(receipt));
  assert.equal(received.length, 2);
  assert.ok(received.some((body) => /4 changes by alice@example.com/.test(body)));
  assert.ok(
    received.some((body) => /bob@example.com update configmaps g-bob/.test(body)),
    'a group of one reads like a single message',
  );
});

test('silences and repeats are recorded but not sent', async (t) => {
  const until = new Date(T0 + 86_400_000).toISOString();
  const { rig: r, env } = await rig(
    t,
    `match: {branch: main}\nchannels: [security]\nnoise:\n  repeatInterval: 10m\n  silences: [{until: ` +
      `"${until}", reason: "bob migrates", actors: "bob@*"}]\n`,
  );
  await r.commit(
    change({ path: `${CM}/a.yaml`, value: '1' }),
    change({ path: `${CM}/b.yaml`, actor: 'bob@example.com' }),
  );
  await r.commit(change({ path: `${CM}/a.yaml`, value: '2' }));
  assert.equal(receivedOn(env).length, 1);
  await r.advance(600_001);
  await r.commit(change({ path: `${CM}/a.yaml`, value: '3' }));
  assert.equal(receivedOn(env).length, 2, 'after the repeat interval the resource is announced again');
  assert.deepEqual(
    r.notifications.outbox
      .suppressed()
      .map((s) => [s.disposition, s.reason])
      .reverse(),
    [
      ['silenced', `silenced until ${until}: bob migrates`],
      ['repeat', 'announced within the last 10m'],
    ],
  );
  const registry = new Registry();
  r.notifications.metrics(registry);
  const metrics = await registry.metrics();
  assert.match(metrics, /gitrail_notifications_suppressed_total\{policy="p",reason="silenced"\} 1\n/);
  assert.match(metrics, /gitrail_notifications_suppressed_total\{policy="p",reason="repeat"\} 1\n/);
  assert.match(metrics, /gitrail_policy_matches_total\{policy="p",severity="medium"\} 4\n/);
});

test('429 Retry-After and a 5xx burst are retried until delivered exactly once', async (t) => {
  const { rig: r, env } = await rig(t, 'match: {branch: main}\nchannels: [security]\n');
  chat.failNext('slack', { status: 429, retryAfter: 7 }, { status: 500 }, { status: 502 });
  await r.commit(change({ path: `${CM}/retry.yaml` }));
  assert.equal(receivedOn(env).at(-1)?.status, 429);
  await r.advance(6_999);
  assert.equal(receivedOn(env).length, 1, 'Retry-After is honoured');
  await r.advance(1);
  assert.equal(receivedOn(env).at(-1)?.status, 500);
  await r.advance(999);
  assert.equal(receivedOn(env).length, 2, 'backoff: 1 s after the first failed attempt');
  await r.advance(1);
  assert.equal(receivedOn(env).at(-1)?.status, 502);
  assert.equal(r.notifications.status()[1]?.state, 'failing');
  await r.advance(1_999);
  assert.equal(receivedOn(env).length, 3, 'then 2 s: exponential');
  await r.advance(1);
  assert.deepEqual(
    receivedOn(env).map((receipt) => receipt.status),
    [429, 500, 502, 200],
  );
  const [delivery] = r.notifications.outbox.list();
  assert.equal(delivery?.state, 'sent');
  assert.equal(delivery?.attempts, 3, 'being throttled does not use up an attempt');
  assert.equal(r.notifications.status()[1]?.state, 'up');
});

test('a receiver that keeps throttling slows delivery down but never dead-letters it', async (t) => {
  const { rig: r, env } = await rig(t, 'match: {branch: main}\nchannels: [security]\n', { maxAttempts: 2 });
  chat.failNext('slack', ...Array.from({ length: 5 }, () => ({ status: 429, retryAfter: 30 })));
  await r.commit(change({ path: `${CM}/throttled.yaml` }));
  for (let i = 0; i < 5; i += 1) await r.advance(30_000);
  assert.deepEqual(
    receivedOn(env).map((receipt) => receipt.status),
    [429, 429, 429, 429, 429, 200],
  );
  assert.equal(r.notifications.outbox.list({ state: 'dead' }).length, 0);
});

test('a delivery that fails every attempt is a visible dead letter and can be retried', async (t) => {
  const { rig: r, env } = await rig(t, 'match: {branch: main}\nchannels: [security]\n', { maxAttempts: 2 });
  chat.failNext('slack', { status: 503 }, { status: 503 });
  await r.commit(change({ path: `${CM}/dead.yaml` }));
  await r.advance(1_000);
  const [dead] = r.notifications.outbox.list({ state: 'dead' });
  assert.match(dead?.lastError ?? '', /HTTP 503/);
  const status = r.notifications.status()[1];
  assert.equal(status?.state, 'failing');
  assert.match(status?.lastError ?? '', /1 dead letter: see \/notifications/);
  const registry = new Registry();
  r.notifications.metrics(registry);
  const metrics = await registry.metrics();
  assert.match(metrics, /gitrail_notification_dead_letters\{channel="security"\} 1/);
  assert.match(metrics, /gitrail_notification_attempts_total\{channel="security",outcome="dead"\} 1/);

  assert.equal(r.notifications.outbox.requeue(r.clock.now), 1);
  await r.advance(0);
  assert.equal(receivedOn(env).at(-1)?.status, 200);
  assert.equal(r.notifications.outbox.list({ state: 'dead' }).length, 0);
});

test('commits flushed while notifications were down are evaluated on restart, earlier ones not again', async (t) => {
  const dir = tempDir(t);
  const env = { CHAT_URL: chat.url('slack', 'restart') };
  const options = {
    dataDir: join(dir, 'data'),
    policies: { 'p.yaml': 'match: {branch: main}\nchannels: [security]\n' },
    config: { channels: { security: { kind: 'slack', url: { env: 'CHAT_URL' } } } },
    env,
  };
  const first = await startRig(options);
  await first.commit(change({ path: `${CM}/before.yaml` }));
  await first.notifications.stop();
  // The ledger keeps committing while notifications are down (a crash right after a flush).
  await first.ledger.apply({ record: change({ path: `${CM}/down-1.yaml` }) });
  await first.ledger.apply({ record: change({ path: `${CM}/down-2.yaml` }) });
  await first.ledger.close();
  const second = await startRig(options);
  t.after(() => second.close());
  await second.notifications.idle();
  const subjects = chat.receipts
    .filter((receipt) => receipt.channel === 'restart')
    .map((receipt) => /configmaps ([\w-]+)/.exec(text(receipt))?.[1]);
  assert.deepEqual(subjects, ['before', 'down-1', 'down-2']);
});

test('switched on for a repository with history, notifications start at the current head', async (t) => {
  const dir = tempDir(t);
  const env = { CHAT_URL: chat.url('slack', 'fresh') };
  const { Ledger } = await import('../../ledger/ledger.ts');
  const ledger = await Ledger.open({ dataDir: join(dir, 'data') });
  await ledger.apply({ record: change({ path: `${CM}/old.yaml` }) });
  await ledger.close();
  const r = await startRig({
    dataDir: join(dir, 'data'),
    policies: { 'p.yaml': 'match: {branch: main}\nchannels: [security]\n' },
    config: { channels: { security: { kind: 'slack', url: { env: 'CHAT_URL' } } } },
    env,
  });
  t.after(() => r.close());
  await r.commit(change({ path: `${CM}/new.yaml` }));
  const subjects = chat.receipts
    .filter((receipt) => receipt.channel === 'fresh')
    .map((receipt) => /configmaps ([\w-]+)/.exec(text(receipt))?.[1]);
  assert.deepEqual(subjects, ['new']);
});

test('activity in periods: the first commits of a new period are evaluated, on activity and a rule line', async (t) => {
  const env = { CHAT_URL: chat.url('slack', `c-${Math.random().toString(36).slice(2)}`) };
  const events = { activity: 'kubernetes-event' };
  const r = await startRig({
    dataDir: join(tempDir(t), 'data'),
    policies: { 'p.yaml': 'match: {branch: activity}\nchannels: [security]\n' },
    config: { channels: { security: { kind: 'slack', url: { env: 'CHAT_URL' } } } },
    env,
    ledger: {
      activityPeriod: 'day',
      activityLines: activityLines([{ name: 'events', match: events, keep: 30 * 86_400_000 }], 'day'),
    },
  });
  t.after(() => r.close());
  const kubeEvent = (path: string) => {
    const record = change({ path, branch: 'activity' });
    return { ...record, trailers: [...record.trailers, ['Activity', 'kubernetes-event'] as const] };
  };
  await r.commit(change({ path: 'activity/a/1.yaml', branch: 'activity' }), kubeEvent('activity/e/1.yaml'));
  await r.advance(86_400_000);
  // Each line starts a new period (a root commit) in this flush, one commit after it.
  await r.commit(
    change({ path: 'activity/a/2.yaml', branch: 'activity' }),
    change({ path: 'activity/a/3.yaml', branch: 'activity' }),
    kubeEvent('activity/e/2.yaml'),
    kubeEvent('activity/e/3.yaml'),
  );
  assert.equal(git(r.ledger.gitdir, 'rev-list', '--count', 'activity-events').trim(), '2');
  await r.advance(60_000);
  const sent = new Set(receivedOn(env).map((receipt) => /\/commit\/([0-9a-f]{40})/.exec(text(receipt))?.[1]));
  const all = git(r.ledger.gitdir, 'rev-list', 'activity', 'activity-events', '--glob=refs/archive/*')
    .trim()
    .split('\n');
  assert.equal(all.length, 6);
  assert.deepEqual(sent, new Set(all), 'every activity commit of both lines is notified once');
});
