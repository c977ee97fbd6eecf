// Issue 14 acceptance: a 3-node JetStream cluster and 3 `gitrail run` replicas take audit
// batches round-robin while one replica and one NATS node are SIGKILLed (and restarted);
// every acknowledged event ends up committed exactly once in its shard's remote, each remote
// passes `git fsck --strict`, the dead replica's shards are taken over, and any replica reads
// across all shards. `npm test` posts 3,000 events; GITRAIL_CLUSTER_EVENTS=20000 runs the full storm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterRig, VIEW_TOKEN } from '../helpers/cluster-rig.ts';
import { auditBody, eventIdCounts, postUntilAcknowledged, writersByReplica } from '../helpers/cluster-checks.ts';
import { fsckStrict } from '../helpers/git.ts';
import { auditId } from '../helpers/intake-fixtures.ts';
import { until } from '../helpers/nats-cluster.ts';

const EVENTS = Number(process.env['GITRAIL_CLUSTER_EVENTS'] ?? 3_000);
const BATCH = 50;
const CLIENTS = 4;
const CLUSTERS = ['prod', 'staging', 'dev'] as const;
const shardOf = (cluster: string) => `kubernetes-${cluster}`;

test('SIGKILL of a replica and a NATS node mid-storm: every acknowledged event committed exactly once', {
  timeout: 900_000,
}, async (t) => {
  const rig = await ClusterRig.start(t, {
    shards: CLUSTERS.map(shardOf),
  });
  const batches = Array.from({ length: EVENTS / BATCH }, (_, index) => ({
    index,
    cluster: CLUSTERS[index % CLUSTERS.length] as string,
    first: index * BATCH,
  }));
  const acked: typeof batches = [];
  const failures: Array<number | string> = [];
  const post = async (queue: typeof batches) => {
    for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
      await postUntilAcknowledged(
        rig,
        `/ingest/kubernetes/${batch.cluster}/audit`,
        auditBody(batch.first, BATCH),
        batch.index,
        (status) => failures.push(status),
      );
      acked.push(batch);
    }
  };
  const storm = (queue: typeof batches) => Promise.all(Array.from({ length: CLIENTS }, () => post(queue)));

  const started = Date.now();
  // A third of the storm, until the shards have writers; the rest while a replica and a NATS node die.
  await storm(batches.slice(0, Math.floor(batches.length / 3)));
  let writers = new Map<number, string[]>();
  await until(
    async () => {
      writers = await writersByReplica(rig);
      return [...writers.values()].some((shards) => shards.length > 0);
    },
    'a replica to be writing a shard',
    120_000,
  );
  const rest = batches.slice(Math.floor(batches.length / 3));
  const inFlight = storm(rest.slice(0, Math.floor(rest.length / 2)));
  await until(() => acked.length >= Math.floor(batches.length / 3) + CLIENTS, 'the second part of the storm to start');
  // The replica that writes the most shards dies, with one NATS node; the node comes back at once.
  const [victim, moved] = [...writers].sort(([, a], [, b]) => b.length - a.length)[0] as [number, string[]];
  const killedAt = Date.now();
  await Promise.all([rig.killReplica(victim), rig.nats.kill(1)]);
  const ackedAtKill = acked.length;
  t.diagnostic(`killed replica-${victim} (writing ${moved.join(', ')}) and NATS node n1 after ${ackedAtKill} batches`);
  // The other half is posted while the replica is dead and the NATS node comes back.
  const afterKill = storm(rest.slice(Math.floor(rest.length / 2)));
  rig.nats.restart(1);
  // Its shards move to the surviving replicas once their leases expire; then it comes back.
  await until(
    async () => {
      const now = await writersByReplica(rig);
      return moved.every((shard) => [...now].some(([index, held]) => index !== victim && held.includes(shard)));
    },
    'the dead replica shards to be taken over',
    180_000,
  );
  t.diagnostic(`shards taken over ${Date.now() - killedAt} ms after the kill`);
  await rig.startReplica(victim);
  await Promise.all([inFlight, afterKill]);
  const postedMs = Date.now() - started;
  // The restarted NATS node catching up is NATS's business (on a loaded CI machine nats-server 2.9 took
  // over 90 s once); what follows checks gitrail's promise, which must hold either way.
  await rig.nats.waitHealthy().catch((error: Error) => t.diagnostic(`NATS not healthy yet: ${error.message}`));
  t.diagnostic(`${acked.length} batches acknowledged in ${postedMs} ms (${failures.length} attempts failed over)`);

  // Every acknowledged event reaches its shard's remote, exactly once.
  const expected = new Map<string, Set<string>>(CLUSTERS.map((cluster) => [cluster, new Set<string>()]));
  for (const batch of acked)
    for (let n = 0; n < BATCH; n += 1) expected.get(batch.cluster)?.add(auditId(batch.first + n));
  await until(
    () =>
      CLUSTERS.every((cluster) => {
        const counts = eventIdCounts(rig.remote(shardOf(cluster)));
        return [...(expected.get(cluster) as Set<string>)].every((id) => counts.has(id));
      }),
    'every acknowledged event on its remote',
    600_000,
  );
  t.diagnostic(`all committed and pushed ${Date.now() - started} ms after the first post`);
  for (const cluster of CLUSTERS) {
    const counts = eventIdCounts(rig.remote(shardOf(cluster)));
    const twice = [...counts].filter(([, count]) => count > 1).map(([id]) => id);
    const foreign = [...counts.keys()].filter((id) => !expected.get(cluster)?.has(id));
    assert.deepEqual({ twice: twice.slice(0, 5), foreign: foreign.slice(0, 5) }, { twice: [], foreign: [] }, cluster);
    assert.equal(counts.size, expected.get(cluster)?.size);
    fsckStrict(rig.remote(shardOf(cluster)));
  }

  // The dead replica's shards were taken over under new leases by the others.
  for (const shard of moved) {
    const taker = rig.replicas.find(
      (replica, index) =>
        index !== victim &&
        replica?.logs.some((entry) => entry['msg'] === 'shard lease acquired' && entry['shard'] === shard),
    );
    assert.ok(taker, `another replica acquired ${shard}`);
  }

  // Any replica reads across all shards, each commit naming its shard.
  const reader = rig.replica((victim + 1) % rig.replicas.length);
  await until(
    async () => {
      const seen = new Set<string>();
      for (const cluster of CLUSTERS) {
        const response = await fetch(`${reader.url}/api/commits?limit=1&path=kubernetes/${cluster}/`, {
          headers: { authorization: `Bearer ${VIEW_TOKEN}` },
        });
        const body = (await response.json()) as { commits: Array<{ shard?: string }> };
        if (body.commits[0]?.shard) seen.add(body.commits[0].shard);
      }
      return seen.size === CLUSTERS.length;
    },
    'a replica to list commits of every shard',
    120_000,
  );
});
