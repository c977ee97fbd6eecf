// Kill -9 mid-delivery, restart, and count what the receivers got: nothing lost; the webhook
// receiver (Idempotency-Key) and the outbox record each message once; Slack, which has no
// idempotency key, gets the one interrupted message a second time, marked as a possible repeat.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeChatServer } from '../../test/fakes/chat-server.ts';
import { git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';

const CHILD = join(import.meta.dirname, '__fixtures__', 'crash-child.ts');
const RECORDS = 6;

interface Report {
  open: number;
  sent: number;
}

function startChild(dir: string, chat: FakeChatServer): ChildProcess {
  return fork(CHILD, [], {
    env: {
      ...process.env,
      GITRAIL_DATA: dir,
      GITRAIL_RECORDS: String(RECORDS),
      SLACK_URL: chat.url('slack'),
      HOOK_URL: chat.url('webhook'),
      HOOK_SECRET: chat.webhookSecret,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

async function settled(child: ChildProcess): Promise<Report> {
  for (;;) {
    const [report] = (await once(child, 'message')) as [Report];
    if (report.open === 0) return report;
  }
}

const configMapOf = (receipt: { raw: string }) => /configmaps (cm-\d+)/.exec(receipt.raw)?.[1];

test(
  'SIGKILL while a delivery is in flight: every match arrives, exactly once where the receiver ' + 'dedupes',
  async (t) => {
    const dir = tempDir(t);
    const chat = await FakeChatServer.start();
    t.after(() => chat.close());
    const slackHeld = chat.holdNext('slack', { after: 2 });
    const hookHeld = chat.holdNext('webhook', { after: 2 });

    const first = startChild(dir, chat);
    t.after(() => first.kill('SIGKILL'));
    await Promise.all([slackHeld.arrived, hookHeld.arrived]);
    first.kill('SIGKILL');
    await once(first, 'exit');
    // The receivers finish processing what they got, as real ones do when the client vanishes.
    slackHeld.release();
    hookHeld.release();

    const second = startChild(dir, chat);
    t.after(() => second.kill('SIGKILL'));
    const report = await settled(second);
    second.kill('SIGKILL');
    assert.equal(report.sent, 2 * RECORDS, 'every delivery ends sent in the outbox');

    const expected = Array.from({ length: RECORDS }, (_, i) => `cm-${i}`);
    const hook = chat.delivered('webhook').map(configMapOf).sort();
    assert.deepEqual(hook, expected, 'the webhook receiver handles each match exactly once');
    const repeats = chat.receipts.filter((receipt) => receipt.kind === 'webhook' && receipt.duplicate);
    assert.equal(
      repeats.length,
      1,
      'the interrupted webhook delivery was re-sent with the same key and dropped by the receiver',
    );

    const slack = chat.delivered('slack');
    assert.deepEqual([...new Set(slack.map(configMapOf))].sort(), expected, 'no match is lost on Slack');
    const twice = expected.filter((name) => slack.filter((receipt) => configMapOf(receipt) === name).length > 1);
    assert.equal(twice.length, 1, 'only the message in flight at the kill repeats');
    assert.equal(slack.length, RECORDS + 1);
    const copies = slack.filter((receipt) => configMapOf(receipt) === twice[0]);
    assert.match(copies[1]?.raw ?? '', /re-sent after an interrupted attempt, may repeat/);
    assert.doesNotMatch(copies[0]?.raw ?? '', /re-sent/);

    const commits = git(join(dir, 'data', 'repo.git'), 'rev-list', '--count', 'main').trim();
    assert.equal(commits, String(RECORDS), 'the restart recorded no change twice');
  },
);
