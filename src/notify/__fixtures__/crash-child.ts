// The process the crash test kills: a real ledger with notifications (real clock) that
// records GITRAIL_RECORDS changes matching one policy that notifies a Slack and a webhook
// channel, then reports over IPC each time it has nothing left to send.
import { join } from 'node:path';
import { change, startRig } from '../../../test/helpers/notify-rig.ts';

const dataDir = process.env['GITRAIL_DATA'] as string;
const count = Number(process.env['GITRAIL_RECORDS']);
const rig = await startRig({
  dataDir: join(dataDir, 'data'),
  realTime: true,
  policies: { 'all.yaml': 'match: {branch: main}\nchannels: [slack, hook]\n' },
  config: {
    channels: {
      slack: { kind: 'slack', url: { env: 'SLACK_URL' } },
      hook: { kind: 'webhook', url: process.env['HOOK_URL'], secret: { env: 'HOOK_SECRET' } },
    },
    delivery: { initialBackoff: 20, maxBackoff: 200 },
  },
  env: process.env,
});
// The same event ids on every start: the ledger records each change once.
const records = Array.from({ length: count }, (_, i) =>
  change({
    path: `kubernetes/prod/namespaces/shop/core/configmaps/cm-${i}.yaml`,
    eventId: `crash-${i}`,
    time: Date.parse('2026-05-04T09:00:00Z') + i * 1000,
  }),
);
for (const record of records) await rig.ledger.apply({ record });
await rig.ledger.flush();
for (;;) {
  await rig.notifications.idle();
  const open = (['collecting', 'pending', 'sending'] as const).reduce(
    (sum, state) => sum + rig.notifications.outbox.list({ state, limit: 1000 }).length,
    0,
  );
  process.send?.({
    open,
    sent: rig.notifications.outbox.list({ state: 'sent', limit: 1000 }).length,
    commits: rig.ledger.index.heads().size,
  });
  await new Promise((resolve) => setTimeout(resolve, 25));
}
