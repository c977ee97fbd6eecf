import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeChatServer } from '../../../test/fakes/chat-server.ts';
import { gitrail } from '../../../test/helpers/cli.ts';
import { change, startRig } from '../../../test/helpers/notify-rig.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';

test('lists deliveries and dead letters, re-queues them, shows suppressed matches', async (t) => {
  const chat = await FakeChatServer.start();
  t.after(() => chat.close());
  const data = join(tempDir(t), 'data');
  const rig = await startRig({
    dataDir: data,
    policies: { 'p.yaml': 'match: {branch: main}\nchannels: [ops]\nnoise: {repeatInterval: 1h}\n' },
    config: { channels: { ops: { kind: 'slack', url: { env: 'URL' } } }, delivery: { maxAttempts: 1 } },
    env: { URL: chat.url('slack') },
  });
  t.after(() => rig.close());
  chat.failNext('slack', { status: 404, body: 'no_service' });
  const path = 'kubernetes/prod/namespaces/shop/core/configmaps/app.yaml';
  await rig.commit(change({ path, value: '1' }));
  await rig.commit(change({ path, value: '2' }));

  const dead = gitrail(['notifications', '--data', data, '--state', 'dead']);
  assert.equal(dead.status, 0, dead.stderr);
  assert.match(
    dead.stdout,
    new RegExp(
      String.raw`^ +1 {2}dead {7}ops ← p \(single, 1 match, medium\)\n.*attempts 1.*\n` +
        String.raw` {8}last error: ops: HTTP 404: no_service\n$`,
    ),
  );
  assert.equal(dead.stderr, '1 dead letter: gitrail notifications retry --dead\n');

  const suppressed = gitrail(['notifications', 'suppressed', '--data', data]);
  assert.match(suppressed.stdout, /p → ops: repeat \(announced within the last 1h\)\n$/);

  const retry = gitrail(['notifications', 'retry', '--data', data, '1']);
  assert.equal(retry.stdout, 'requeued 1 dead letter\n');
  // The CLI re-queues on the wall clock; bring the rig's fake clock there.
  await rig.advance(Math.max(0, Date.now() - rig.clock.now));
  const list = gitrail(['notifications', '--data', data, '--json']);
  assert.deepEqual(
    list.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { state: string }).state),
    ['sent'],
  );

  const wrong = gitrail(['notifications', 'retry', '--data', data, '1']);
  assert.equal(wrong.status, 2);
  assert.equal(wrong.stderr, 'gitrail notifications: delivery 1 is sent, not dead\n');
});

test('a data folder without an outbox is named in the error', (t) => {
  const data = tempDir(t);
  const run = gitrail(['notifications', '--data', data]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /no outbox in .* notifications have not run there/);
});

test(
  "a summary's footer names a command that lists every change it summarises; each period of a flood has " + 'its own',
  async (t) => {
    const chat = await FakeChatServer.start();
    t.after(() => chat.close());
    const data = join(tempDir(t), 'data');
    const rig = await startRig({
      dataDir: data,
      policies: { 'p.yaml': 'match: {branch: main}\nchannels: [ops]\nnoise: {rateLimit: {max: 1, per: 1h}}\n' },
      config: { channels: { ops: { kind: 'slack', url: { env: 'URL' } } }, summaryItems: 1 },
      env: { URL: chat.url('slack') },
    });
    t.after(() => rig.close());
    const flood = (from: number) =>
      Array.from({ length: 4 }, (_, i) =>
        change({ path: `kubernetes/prod/namespaces/shop/core/configmaps/flood-${from + i}.yaml` }),
      );
    await rig.commit(...flood(0));
    await rig.advance(3_600_000);
    // The flood goes on into the next hour: one message again, then a second summary.
    await rig.commit(...flood(4));
    await rig.advance(3_600_000);
    const bodies = chat.delivered('slack').map((receipt) => JSON.stringify(receipt.body));
    assert.equal(bodies.length, 4, 'per period: one message within the limit, then one summary');
    const summaries = bodies.filter((body) => /more changes matched/.test(body));
    assert.equal(summaries.length, 2);
    for (const [index, summary] of summaries.entries()) {
      const command = /`gitrail notifications show ([0-9a-f-]{36})`/.exec(summary);
      assert.ok(command, `the footer names the command: ${summary}`);
      const listed = gitrail(['notifications', 'show', command[1] as string, '--data', data]);
      assert.equal(listed.status, 0, listed.stderr);
      const subjects = listed.stdout.match(/update configmaps flood-\d+/g);
      const first = index * 4 + 1;
      assert.deepEqual(
        subjects,
        [1, 2, 3].map((i) => `update configmaps flood-${first + i - 1}`),
      );
    }
    const unknown = gitrail(['notifications', 'show', 'no-such-key', '--data', data]);
    assert.equal(unknown.status, 1);
  },
);
