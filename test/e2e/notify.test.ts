// Issue 5 end to end with the real `gitrail run`: events posted to the intake match a policy
// that notifies Slack and a signed webhook (fake receivers on 127.0.0.1), and the repository
// is mirrored to a real git server (`git http-backend`) whose pre-receive hook refuses pushes.
// The daemon is SIGKILLed while a message is in flight and restarted: every match arrives,
// exactly once at the webhook (Idempotency-Key), and the rejected push shows in /readyz,
// /metrics and the viewer until the server accepts it; then the git CLI sees the same commits.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeChatServer, type ChatReceipt } from '../fakes/chat-server.ts';
import { GitHttpServer } from '../fakes/git-http-backend.ts';
import { logLine, post, startDaemonProcess } from '../helpers/daemon-process.ts';
import { genericEvent } from '../helpers/intake-fixtures.ts';
import { git } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

const TOKEN = 'notify-e2e-token-0123456789';
const MIRROR_TOKEN = 'mirror-e2e-token-0123456789';
const EVENTS = 6;
const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');

const flagOf = (receipt: ChatReceipt) => /flag-(\d+)/.exec(receipt.raw)?.[1];

test('gitrail run: notifications survive SIGKILL mid-delivery; a rejected mirror push is reported, then pushed', {
  timeout: 240_000,
}, async (t) => {
  const dir = tempDir(t);
  const chat = await FakeChatServer.start({ webhookSecret: 'e2e-webhook-hmac-secret' });
  t.after(() => chat.close());
  const git_ = await GitHttpServer.start(join(dir, 'git-server'), {
    username: 'x-access-token',
    password: MIRROR_TOKEN,
  });
  t.after(() => git_.close());
  const remote = git_.createRepository('audit');
  git_.rejectPushes('audit', 'audit mirror is frozen: change ticket required');

  mkdirSync(join(dir, 'policies'));
  writeFileSync(
    join(dir, 'policies', 'flags.yaml'),
    'description: Feature flag changed\nmatch: {branch: main, paths: "custom/flags/**"}\nseverity: ' +
      'high\nchannels: [slack, hook]\n',
  );
  const config = join(dir, 'gitrail.yaml');
  writeFileSync(
    config,
    [
      'drain: {flushIntervalMs: 20}',
      'notify:',
      `  policies: ${join(dir, 'policies')}`,
      `  templates: ${TEMPLATES}`,
      '  viewerUrl: https://gitrail.example.com',
      '  channels:',
      '    slack: {kind: slack, url: {env: SLACK_URL}}',
      `    hook: {kind: webhook, url: "${chat.url('webhook')}", secret: {env: HOOK_SECRET}}`,
      '  delivery: {initialBackoff: 50, maxBackoff: 500}',
      'mirrors:',
      `  - {url: "${git_.url('audit')}", token: {env: MIRROR_TOKEN}, interval: 100, initialBackoff: 100, ` +
        `maxBackoff: 400}`,
      '',
    ].join('\n'),
  );
  const dataDir = join(dir, 'data');
  const env = {
    GITRAIL_INGEST_TOKEN: TOKEN,
    SLACK_URL: chat.url('slack'),
    HOOK_SECRET: chat.webhookSecret,
    MIRROR_TOKEN,
  };
  const start = () => startDaemonProcess({ dataDir, args: ['--config', config], env });

  // First run: killed while the third message to each channel is in flight.
  const slackHeld = chat.holdNext('slack', { after: 2 });
  const hookHeld = chat.holdNext('webhook', { after: 2 });
  const first = await start();
  t.after(() => first.child.kill('SIGKILL'));
  const events = Array.from({ length: EVENTS }, (_, i) => genericEvent(i + 1));
  const posted = await post(`${first.url}/ingest/events/flags`, TOKEN, events);
  assert.equal(posted.status, 202, JSON.stringify(posted.body));
  await Promise.all([slackHeld.arrived, hookHeld.arrived]);
  await first.kill();
  slackHeld.release();
  hookHeld.release();

  // Second run: catches up and finishes every delivery.
  const second = await start();
  t.after(() => second.child.kill('SIGKILL'));
  const expected = events.map((_, i) => String(i + 1)).sort();
  // The held requests count once (the receivers processed them before answering a dead
  // client); each interrupted delivery is sent once more after the restart.
  const received = (kind: 'slack' | 'webhook') =>
    chat.receipts.filter((receipt) => receipt.kind === kind && receipt.status === 200).length;
  await chat.waitFor(() => received('slack') === EVENTS + 1 && received('webhook') === EVENTS + 1);

  assert.deepEqual(
    chat.delivered('webhook').map(flagOf).sort(),
    expected,
    'the webhook receiver handles each match exactly once',
  );
  assert.equal(
    chat.receipts.filter((receipt) => receipt.kind === 'webhook' && receipt.duplicate).length,
    1,
    'the in-flight one was re-sent with the same Idempotency-Key',
  );
  const slack = chat.delivered('slack');
  assert.equal(slack.length, EVENTS + 1, 'Slack (no idempotency key) sees only the in-flight message twice');
  const repeated = slack.filter((receipt) => slack.filter((other) => flagOf(other) === flagOf(receipt)).length > 1);
  assert.deepEqual(
    repeated.map((receipt) => /re-sent after an interrupted attempt, may repeat/.test(receipt.raw)),
    [false, true],
    'the second copy says it may repeat',
  );
  assert.match(slack[0]?.raw ?? '', /Feature flag changed: gina@example.com/);
  assert.match(slack[0]?.raw ?? '', /https:\/\/gitrail.example.com\/commit\/[0-9a-f]{40}/);

  // The refused mirror push: in the log, /readyz, /metrics and the viewer's /sources.
  await logLine(second, (entry) => entry['msg'] === 'mirror push did not succeed');
  const readyz = await fetch(`${second.url}/readyz`);
  assert.equal(readyz.status, 200, 'a failing mirror does not stop intake');
  const ready = (await readyz.json()) as {
    degraded: string[];
    sources: Array<{ id: string; state: string; lastError?: string }>;
  };
  assert.ok(ready.degraded.includes('mirror/audit: failing'));
  const mirror = ready.sources.find((source) => source.id === 'mirror/audit');
  assert.equal(mirror?.state, 'failing');
  assert.match(
    mirror?.lastError ?? '',
    /main: push rejected: pre-receive hook declined; audit mirror is frozen: change ticket required/,
  );
  assert.deepEqual(
    ready.sources.filter((source) => source.id.startsWith('notify/')).map((source) => [source.id, source.state]),
    [
      ['notify/policies', 'up'],
      ['notify/slack', 'up'],
      ['notify/hook', 'up'],
    ],
  );
  const metrics = await (await fetch(`${second.url}/metrics`)).text();
  assert.match(metrics, /gitrail_mirror_rejected_refs\{mirror="audit"\} [1-9]/);
  assert.match(metrics, /gitrail_mirror_attempts_total\{mirror="audit",outcome="rejected"\} [1-9]/);
  assert.match(metrics, /gitrail_notification_attempts_total\{channel="hook",outcome="sent"\} [1-9]/);
  assert.match(metrics, /gitrail_notifications\{channel="hook",state="sent"\} 6/);
  const viewToken = readFileSync(join(dataDir, 'keys', 'view-token'), 'utf8').trim();
  const sources = await (
    await fetch(`${second.url}/sources`, { headers: { authorization: `Bearer ${viewToken}` } })
  ).text();
  assert.match(sources, /audit mirror is frozen: change ticket required/);

  // The server accepts again: the next retry pushes, and the git CLI sees the same history.
  git_.acceptPushes('audit');
  await logLine(second, (entry) => entry['msg'] === 'mirrored' && entry['ref'] === 'refs/heads/main');
  assert.equal(
    git(remote, 'log', '--format=%H %an %s', 'main'),
    git(join(dataDir, 'repo.git'), 'log', '--format=%H %an %s', 'main'),
  );
  assert.equal(git(remote, 'rev-list', '--count', 'main').trim(), String(EVENTS));
  assert.equal(await second.stop(), 0);
});
