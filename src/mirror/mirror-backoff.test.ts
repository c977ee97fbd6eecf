// Retries wait for their backoff (issue 16, item 1): a remote that refuses every push and takes
// longer over each refused push than the current backoff must still see the backoff's pause
// between the end of one attempt and the start of the next, also when commits (a request for
// a push) arrive while an attempt runs.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { head, record, setup, transportTest } from './mirror-fixture.ts';

const BACKOFF = [250, 500, 1000];
/** Held longer than the backoff that follows it, so that timer would fire during the next attempt. */
const HOLD_MARGIN_MS = 150;
/** Node may fire a timer a few ms early against performance.now() (it counts from the loop's cached time). */
const TIMER_SLACK_MS = 25;

transportTest(
  'a refused push is retried after its backoff, never sooner, also when it outlasts the backoff',
  async (t, transport) => {
    const { ledger, mirrors, remote, server } = await setup(t, {
      transport,
      interval: 50,
      batchCommits: 1,
      initialBackoff: BACKOFF[0],
      maxBackoff: BACKOFF[2],
    });
    server.rejectPushes('audit', 'audit mirror is frozen');
    server.holdPushes('audit');
    const pushes = () => server.exchanges.filter((exchange) => exchange.request === 'POST /audit.git/git-receive-pack');

    await record(ledger, 1, 'first');
    for (let attempt = 0; attempt <= BACKOFF.length; attempt += 1) {
      const held = await server.nextHeldPush();
      // New commits while the push is in flight: a request for another push, which must wait too.
      await record(ledger, 1, `during-${attempt}`);
      const hold = (BACKOFF[attempt] ?? 0) + HOLD_MARGIN_MS - (performance.now() - held.arrivedAt);
      if (hold > 0) await delay(hold);
      held.release();
      await server.waitFor(() => pushes().length === attempt + 1);
    }

    const refused = pushes();
    for (const [index, wait] of BACKOFF.entries()) {
      const ended = (refused[index] as { endedAt: number }).endedAt;
      const next = server.exchanges.find((exchange) => exchange.startedAt > ended);
      assert.ok(next, `attempt ${index + 2} started`);
      const gap = next.startedAt - ended;
      assert.ok(
        gap >= wait - TIMER_SLACK_MS,
        `attempt ${index + 2} started ${Math.round(gap)} ms after attempt ${index + 1} was refused, ` +
          `not after the ${wait} ms backoff`,
      );
    }
    assert.equal(mirrors.status()[0]?.state, 'failing');

    // Once the remote accepts again, the next retry (in at most maxBackoff) pushes everything.
    server.acceptPushes('audit');
    server.releasePushes('audit');
    await server.waitFor(() => head(remote, 'main') === ledger.head('main'));
    await mirrors.mirrors[0]?.idle();
    assert.equal(mirrors.status()[0]?.state, 'up');
  },
);
