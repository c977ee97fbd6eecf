// Retention that keeps the proof (issue 11) in cluster mode, with a real nats-server, a real git
// http-backend remote and a simulated clock: a shard writer writes activity in daily periods and
// a retention rule's records on their own line, pushes the archived periods, records each
// removal in a signed checkpoint and then deletes the archive on the remote (a ref deletion, no
// forced push); the next writer restores the archives from the remote and continues; a clone of
// the remote verifies.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import pino from 'pino';
import { GitHttpServer } from '../../test/fakes/git-http-backend.ts';
import { git } from '../../test/helpers/git.ts';
import { NatsCluster, until } from '../../test/helpers/nats-cluster.ts';
import { change } from '../../test/helpers/notify-rig.ts';
import { sharedSigningKey } from '../../test/helpers/signing-key.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { ledgerSettings } from '../config/ledger-settings.ts';
import { Config } from '../config/schema.ts';
import { checkpointInstruments } from '../daemon/checkpoints.ts';
import type { ChangeRecord } from '../domain/change.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { readSigners } from '../signing/key-store.ts';
import { verifyRepository } from '../verify/verify.ts';
import { ClusterConfig, ShardRemoteConfig } from './config.ts';
import { encodeShardBatch } from './message.ts';
import { NatsLink } from './nats.ts';
import { ShardRegistry } from './shard-registry.ts';
import { ShardSession } from './shard-session.ts';

const log = pino({ level: 'silent' });
const SHARD = 'kubernetes-prod';
const DAY = 86_400_000;
const CREDENTIALS = { username: 'gitrail', password: 'git-remote-password-0123' };

async function rig(t: TestContext) {
  const dir = tempDir(t);
  const nats = await NatsCluster.start(join(dir, 'nats'), { nodes: 1 });
  t.after(() => nats.close());
  const server = await GitHttpServer.start(join(dir, 'remotes'), CREDENTIALS);
  t.after(() => server.close());
  const remote = server.createRepository(SHARD);
  const cluster = ClusterConfig.parse({ nats: { servers: nats.urls }, replica: 'r1', stream: { replicas: 1 } });
  const link = new NatsLink(cluster, {}, 'r1', log);
  t.after(() => link.close());
  const resources = await link.ready();
  const registry = new ShardRegistry(link);
  const { keyFile, signers } = sharedSigningKey(dir);
  let clock = Date.UTC(2026, 11, 1, 10);
  const now = () => clock;
  const metrics = createMetrics({ now });
  const instruments = checkpointInstruments(metrics.registry, now);
  const config = Config.parse({
    data: dir,
    signing: { keyFile },
    // Real seconds between checkpoints, each at the simulated time.
    checkpoint: { interval: '500ms' },
    retention: {
      activity: '30d',
      period: 'day',
      rules: [{ name: 'events', match: { path: 'activity/events/**' }, keep: '1d' }],
    },
  });
  const writer = ledgerSettings(config);
  const settings = ShardRemoteConfig.parse({
    url: server.url('{shard}'),
    username: CREDENTIALS.username,
    interval: '200ms',
    initialBackoff: '200ms',
  });

  let epoch = 0;
  /** Why each session ended: 'stopped' unless it ended on its own (a push refused as if another writer pushed). */
  const ended: string[] = [];
  /** A writer session of the shard in its own folder (another replica). */
  const session = async (name: string) => {
    epoch += 1;
    const shard = new ShardSession({
      shard: SHARD,
      epoch,
      replica: name,
      resources,
      config: cluster,
      dir: join(dir, name, SHARD),
      remote: { url: server.url(SHARD), username: CREDENTIALS.username, token: CREDENTIALS.password, settings },
      committer: writer.committer,
      signing: writer.signing,
      activity: { period: writer.activityPeriod, lines: writer.activityLines },
      checkpoints: { config, writer, env: {}, instruments },
      holdsLease: () => true,
      drain: { maxChangesPerFlush: 100, flushIntervalMs: 50 },
      metrics,
      registry,
      log,
      now,
    });
    await shard.start();
    void shard.ended.then((reason) => ended.push(reason));
    return shard;
  };
  let n = 0;
  /** Publishes a batch: a change to main, one activity record and one the events rule takes. */
  const publish = async () => {
    n += 1;
    const changes: ChangeRecord[] = [
      change({ path: `kubernetes/prod/core/configmaps/c${n}.yaml`, time: clock }),
      change({ path: `activity/kubernetes/prod/a${n}.yaml`, branch: 'activity', time: clock }),
      change({ path: `activity/events/prod/e${n}.yaml`, branch: 'activity', time: clock }),
    ];
    const batch = { source: 'kubernetes-audit/prod', receivedAt: clock, changes, facts: [], ignored: 0, rejected: 0 };
    for (const message of encodeShardBatch(cluster.stream.subject, SHARD, batch, resources.maxPayload))
      await resources.js.publish(message.subject, message.payload, { msgID: message.msgId });
  };
  const refs = (prefix: string) =>
    git(remote, 'for-each-ref', '--format=%(refname)', prefix).trim().split('\n').filter(Boolean);
  const remoteHas = (ref: string) => refs(ref).includes(ref);
  const messages = () => git(remote, 'for-each-ref', '--format=%(contents)', 'refs/tags/checkpoints/');
  const advance = (ms: number) => {
    clock += ms;
  };
  const verify = () => {
    const clone = join(tempDir(t), 'clone.git');
    execFileSync('git', ['clone', '--quiet', '--mirror', remote, clone]);
    return verifyRepository({ gitdir: clone, signers: readSigners(signers) });
  };
  /** Ref updates the remote was asked for that are neither a creation, a deletion nor a fast-forward. */
  const forced = () =>
    server.receivedUpdates(SHARD).filter((update) => {
      if (/^0+$/.test(update.old) || /^0+$/.test(update.new)) return false;
      try {
        execFileSync('git', ['--git-dir', remote, 'merge-base', '--is-ancestor', update.old, update.new]);
        return false;
      } catch {
        return true;
      }
    });
  return { session, publish, refs, remoteHas, messages, advance, verify, forced, ended };
}

test('a shard writes its periods and rule lines, pushes archives and deletes the ones retention removed', {
  timeout: 180_000,
}, async (t) => {
  const { session, publish, refs, remoteHas, messages, advance, verify, forced, ended } = await rig(t);
  const a = await session('a');
  t.after(() => a.stop({ handover: false }));
  await publish();
  await until(
    () => remoteHas('refs/heads/activity') && remoteHas('refs/heads/activity-events') && remoteHas('refs/heads/main'),
    'main, activity and the events line on the remote',
  );
  // The next day: both lines start a new period; the closed ones are archived and pushed.
  advance(DAY);
  await publish();
  await until(
    () => remoteHas('refs/archive/activity/2026-12-01') && remoteHas('refs/archive/activity-events/2026-12-01'),
    "the first day's periods archived on the remote",
  );
  await until(() => /^Archived: events\/2026-12-01 [0-9a-f]{40}$/m.test(messages()), 'a checkpoint naming the archive');
  assert.match(messages(), /^Activity-Line: events [0-9a-f]{40}$/m);
  // Three days on, the events period of 1 December is past its 1 day: removed, recorded, deleted on the remote.
  advance(2 * DAY);
  await until(() => !remoteHas('refs/archive/activity-events/2026-12-01'), 'the expired events archive deleted');
  assert.match(messages(), /^Removed: events\/2026-12-01 [0-9a-f]{40} retention 1d$/m);
  assert.ok(remoteHas('refs/archive/activity/2026-12-01'), 'activity is kept 30 days');
  await a.stop({ handover: true });

  // Another writer takes the shard: it restores the archives from the remote and rolls on from them.
  advance(DAY);
  const b = await session('b');
  t.after(() => b.stop({ handover: false }));
  assert.equal(b.checkpointProblem, null);
  await publish();
  // The events period of 2 December closes and is already past its day: removed before it is ever pushed.
  await until(
    () => remoteHas('refs/archive/activity/2026-12-02') && /^Removed: events\/2026-12-02 /m.test(messages()),
    'the period of 2 December archived and the events one removed by b',
  );
  await b.stop({ handover: true });
  assert.deepEqual(refs('refs/archive/'), ['refs/archive/activity/2026-12-01', 'refs/archive/activity/2026-12-02']);
  const removals = [...messages().matchAll(/^Removed: (\S+) /gm)].map((match) => match[1]);
  assert.deepEqual(removals.sort(), ['events/2026-12-01', 'events/2026-12-02'], 'each removal recorded once');
  assert.deepEqual(ended, ['stopped', 'stopped'], 'a new period is not mistaken for another writer');
  assert.deepEqual(forced(), [], 'new periods replace a line by deleting it first: nothing is forced');
  const report = await verify();
  assert.deepEqual(report.problems, []);
});
