// A writer frozen past its lease (SIGSTOP, as a long GC pause or a starved CPU would) while
// another replica takes its shard over, then resumed (SIGCONT): the zombie may still flush,
// push or acknowledge before it notices, yet no acknowledged event is lost or committed twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterRig } from '../helpers/cluster-rig.ts';
import { auditBody, eventIdCounts, postUntilAcknowledged, writersByReplica } from '../helpers/cluster-checks.ts';
import { logLine } from '../helpers/daemon-process.ts';
import { fsckStrict } from '../helpers/git.ts';
import { auditId } from '../helpers/intake-fixtures.ts';
import { until } from '../helpers/nats-cluster.ts';

const SHARD = 'kubernetes-prod';
const BATCH = 50;

test('a writer frozen past its lease and resumed: no gap, no duplicate', { timeout: 600_000 }, async (t) => {
  const rig = await ClusterRig.start(t, {
    natsNodes: 1,
    replicas: 2,
    shards: [SHARD],
    config: { drain: { maxChangesPerFlush: 100, flushIntervalMs: 50 } },
  });
  let next = 0;
  const post = async (batches: number, via: number) => {
    for (let n = 0; n < batches; n += 1, next += 1)
      await postUntilAcknowledged(rig, '/ingest/kubernetes/prod/audit', auditBody(next * BATCH, BATCH), via);
  };
  await post(20, 0);
  let holder = -1;
  await until(async () => {
    for (const [index, shards] of await writersByReplica(rig)) if (shards.includes(SHARD)) holder = index;
    return holder >= 0 && eventIdCounts(rig.remote(SHARD)).size > 0;
  }, 'a writer to push');
  const other = 1 - holder;
  // Frozen while it has a backlog; the other replica takes the shard over meanwhile.
  const posting = post(40, other);
  rig.replica(holder).child.kill('SIGSTOP');
  await logLine(rig.replica(other), (entry) => entry['msg'] === 'shard restored; writing' && entry['shard'] === SHARD);
  await posting;
  rig.replica(holder).child.kill('SIGCONT');
  await post(20, holder);
  await until(() => eventIdCounts(rig.remote(SHARD)).size >= next * BATCH, 'every event on the remote', 300_000);
  const counts = eventIdCounts(rig.remote(SHARD));
  const missing = Array.from({ length: next * BATCH }, (_, index) => auditId(index)).filter((id) => !counts.has(id));
  assert.deepEqual(missing, []);
  assert.deepEqual(
    [...counts].filter(([, count]) => count > 1),
    [],
  );
  fsckStrict(rig.remote(SHARD));
});
