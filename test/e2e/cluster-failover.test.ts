// Issue 14 acceptance: a writer SIGKILLed while it drains a backlog; the next owner restores the
// shard from its remote (resuming after the Stream-Seq the remote's heads carry) with no gap and
// no duplicate; the killed replica, started again with its stale copy, takes the shard back
// (its unpushed commits are replaced by the remote's history) and goes on without a duplicate.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterRig } from '../helpers/cluster-rig.ts';
import { auditBody, eventIdCounts, postUntilAcknowledged, writersByReplica } from '../helpers/cluster-checks.ts';
import { logLine, runGitrail } from '../helpers/daemon-process.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { auditId } from '../helpers/intake-fixtures.ts';
import { until } from '../helpers/nats-cluster.ts';

const SHARD = 'kubernetes-prod';
const BATCH = 100;

interface ReadyBody {
  cluster: { shards: Array<{ shard: string; writingHere: boolean; lagMessages: number | null }> };
}

/** Posts the batches from `clients` concurrent senders (several, so intake outruns the writer). */
async function post(
  rig: ClusterRig,
  batches: readonly number[],
  via: number,
  clients = 1,
  acknowledged: (events: number) => void = () => undefined,
): Promise<void> {
  const queue = [...batches];
  const sender = async () => {
    for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
      await postUntilAcknowledged(rig, '/ingest/kubernetes/prod/audit', auditBody(batch * BATCH, BATCH), via);
      acknowledged(BATCH);
    }
  };
  await Promise.all(Array.from({ length: clients }, sender));
}

function expectExactly(rig: ClusterRig, events: number): void {
  const counts = eventIdCounts(rig.remote(SHARD));
  const missing = Array.from({ length: events }, (_, index) => auditId(index)).filter((id) => !counts.has(id));
  const twice = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
  assert.deepEqual({ missing: missing.slice(0, 5), twice: twice.slice(0, 5) }, { missing: [], twice: [] });
  assert.equal(counts.size, events);
  fsckStrict(rig.remote(SHARD));
}

test('a writer killed mid-drain: the next owner resumes from the remote, no gap, no duplicate', {
  timeout: 600_000,
}, async (t) => {
  const rig = await ClusterRig.start(t, {
    natsNodes: 1,
    replicas: 2,
    shards: [SHARD],
    // Small flushes: the writer is always between or inside flushes while it drains.
    config: { drain: { maxChangesPerFlush: 200, flushIntervalMs: 50 } },
  });

  // Some history on the remote first, so the next owner has something to resume after.
  await post(
    rig,
    Array.from({ length: 10 }, (_, index) => index),
    0,
  );
  let holder = -1;
  await until(async () => {
    for (const [index, shards] of await writersByReplica(rig)) if (shards.includes(SHARD)) holder = index;
    return holder >= 0 && eventIdCounts(rig.remote(SHARD)).size >= 1000;
  }, 'the first thousand events on the remote');
  // Then a backlog from four senders (intake outruns the writer): the writer dies while it drains it.
  let acknowledged = 10 * BATCH;
  const backlog = post(
    rig,
    Array.from({ length: 20 }, (_, index) => 10 + index),
    1 - holder,
    4,
    (events) => (acknowledged += events),
  );
  // A backlog: the writer reports lag, or acknowledged events are not all on the remote yet (on a loaded
  // machine a /readyz poll can keep missing the moments the stream is ahead of the writer).
  await until(
    async () => {
      const ready = (await (await fetch(`${rig.replica(holder).url}/readyz`)).json()) as ReadyBody;
      const lag = ready.cluster.shards.find((shard) => shard.shard === SHARD)?.lagMessages ?? 0;
      return lag > 0 || acknowledged > eventIdCounts(rig.remote(SHARD)).size;
    },
    'the writer to have a backlog',
    300_000,
  );
  const pushedBefore = eventIdCounts(rig.remote(SHARD)).size;
  await rig.killReplica(holder);
  await backlog;
  t.diagnostic(`killed the writer replica-${holder} with ${pushedBefore} of 3000 events on the remote`);

  const taker = rig.replica(1 - holder);
  const restored = await logLine(
    taker,
    (entry) => entry['msg'] === 'shard restored; writing' && entry['shard'] === SHARD,
  );
  assert.ok(Number(restored['resumeAfter']) > 0, 'resumed after the Stream-Seq recorded on the remote');
  const heads = restored['heads'] as { main: string };
  assert.equal(
    git(rig.remote(SHARD), 'merge-base', '--is-ancestor', heads.main, 'main') === '',
    true,
    'restored the remote history',
  );
  await until(() => eventIdCounts(rig.remote(SHARD)).size >= 3000, 'the rest of the backlog on the remote', 300_000);
  expectExactly(rig, 3000);

  // Operations see the move: readiness per role, metrics per shard, `gitrail cluster status`.
  const writerReady = await fetch(`${taker.url}/readyz?role=writer`);
  assert.equal(writerReady.status, 200);
  const details = (await writerReady.json()) as ReadyBody;
  assert.deepEqual(
    details.cluster.shards.map((shard) => [shard.shard, shard.writingHere]),
    [[SHARD, true]],
  );
  const unknownRole = await fetch(`${taker.url}/readyz?role=janitor`);
  assert.equal(unknownRole.status, 503);
  let metrics = '';
  await until(async () => {
    metrics = await (await fetch(`${taker.url}/metrics`)).text();
    return metrics.includes('gitrail_cluster_shard_lag_messages{');
  }, 'the shard lag in the metrics');
  assert.match(
    metrics,
    new RegExp(`gitrail_cluster_shard_lease_holder\\{shard="${SHARD}",holder="replica-${1 - holder}"\\} 1`),
  );
  assert.match(metrics, new RegExp(`gitrail_cluster_shard_lag_messages\\{shard="${SHARD}"\\} \\d+`));
  assert.match(metrics, new RegExp(`gitrail_cluster_leases_acquired_total\\{shard="${SHARD}"\\} 1`));
  const cli = runGitrail(['cluster', 'status', '--config', rig.configFile, '--json']);
  assert.equal(await cli.exited, 0, cli.output().stderr);
  const status = JSON.parse(cli.output().stdout) as {
    stream: { replicas: number };
    writers: string[];
    shards: Array<{ shard: string; leaseHolder: string; committedSeq: number }>;
  };
  assert.equal(status.stream.replicas, 1);
  assert.ok(status.writers.includes(`replica-${1 - holder}`));
  assert.equal(status.shards[0]?.shard, SHARD);
  assert.equal(status.shards[0]?.leaseHolder, `replica-${1 - holder}`);
  assert.ok((status.shards[0]?.committedSeq ?? 0) > 0);

  // The killed replica comes back with its stale copy and gets the shard when the other stops.
  await rig.startReplica(holder);
  await post(rig, [30, 31, 32], 1 - holder);
  const stopped = await rig.replica(1 - holder).stop();
  assert.equal(stopped, 0, 'a graceful stop hands the shard over');
  rig.replicas[1 - holder] = null;
  const back = rig.replica(holder);
  await logLine(back, (entry) => entry['msg'] === 'shard restored; writing' && entry['shard'] === SHARD);
  await post(rig, [33, 34], holder);
  await until(() => eventIdCounts(rig.remote(SHARD)).size >= 3500, 'every event on the remote', 300_000);
  expectExactly(rig, 3500);
});
