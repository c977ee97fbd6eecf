// Cluster benchmark (issue 14): a 3-node JetStream cluster (R3) and 1, 2 or 3 `gitrail run`
// replicas taking audit EventLists of 100 round-robin from 8 clients, spread over 1 or 4
// Kubernetes clusters (= shards): events/s acknowledged and committed (durable in the shard
// repositories, from the replicas' gitrail_events_committed_total), acknowledgement p50/p99; then
// a failover: the writer of one shard SIGKILLed, time to the lease's expiry and to the new
// owner's first commit after restoring from the shard's remote (git http-backend, pushed every 5 s).
// `node bench/cluster.ts [--events N] [--replicas 1,2,3] [--shards 1,4] [--json]`
import { parseArgs } from 'node:util';
import { ClusterRig, CLUSTER_TOKEN } from '../test/helpers/cluster-rig.ts';
import { auditBody, writersByReplica } from '../test/helpers/cluster-checks.ts';
import { logLine } from '../test/helpers/daemon-process.ts';
import { until } from '../test/helpers/nats-cluster.ts';

const BATCH = 100;
/** BENCH_ROLES=intake,writer leaves the read view out (every replica indexes every shard again for reads). */
const roles = process.env['BENCH_ROLES']?.split(',');
const CLIENTS = 8;
const LEASE_TTL_MS = 15_000;

interface RunResult {
  readonly replicas: number;
  readonly shards: number;
  readonly events: number;
  readonly ackedPerSecond: number;
  readonly committedPerSecond: number;
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
}

const percentile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

async function committed(rig: ClusterRig): Promise<number> {
  let total = 0;
  for (const replica of rig.replicas) {
    if (!replica) continue;
    const text = await (await fetch(`${replica.url}/metrics`)).text();
    for (const line of text.split('\n'))
      if (line.startsWith('gitrail_events_committed_total{')) total += Number(line.split(' ').at(-1));
  }
  return total;
}

async function withRig<T>(replicas: number, shards: number, work: (rig: ClusterRig) => Promise<T>): Promise<T> {
  const cleanups: Array<() => unknown> = [];
  try {
    const rig = await ClusterRig.start(
      { after: (fn) => void cleanups.push(fn as () => unknown) },
      {
        replicas,
        shards: Array.from({ length: shards }, (_, index) => `kubernetes-c${index}`),
        pushInterval: '5s',
        cluster: { writer: { leaseTtl: LEASE_TTL_MS }, ...(roles ? { roles } : {}) },
        config: { drain: { flushIntervalMs: 200 } },
      },
    );
    return await work(rig);
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

async function post(rig: ClusterRig, first: number, events: number, shards: number): Promise<number[]> {
  const batches = Array.from({ length: events / BATCH }, (_, index) => index);
  const ackMs: number[] = [];
  const client = async () => {
    for (let index = batches.shift(); index !== undefined; index = batches.shift()) {
      const replica = rig.replica(index % rig.replicas.length);
      const sent = performance.now();
      const response = await fetch(`${replica.url}/ingest/kubernetes/c${index % shards}/audit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLUSTER_TOKEN}`, 'content-type': 'application/json' },
        body: auditBody(first + index * BATCH, BATCH),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`batch ${index} answered ${response.status}`);
      ackMs.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return ackMs;
}

async function measure(replicas: number, shards: number, events: number): Promise<RunResult> {
  return withRig(replicas, shards, async (rig) => {
    // Warm-up: every shard registered and written before the clock starts.
    await post(rig, 10_000_000, shards * BATCH, shards);
    await until(async () => (await committed(rig)) >= shards * BATCH, 'the warm-up to be committed', 300_000);
    const before = await committed(rig);
    const started = performance.now();
    const ackMs = await post(rig, 0, events, shards);
    const acked = performance.now();
    await until(async () => (await committed(rig)) - before >= events, 'every event committed', 900_000);
    const done = performance.now();
    return {
      replicas,
      shards,
      events,
      ackedPerSecond: Math.round(events / ((acked - started) / 1000)),
      committedPerSecond: Math.round(events / ((done - started) / 1000)),
      ackP50Ms: Math.round(percentile(ackMs, 0.5)),
      ackP99Ms: Math.round(percentile(ackMs, 0.99)),
    };
  });
}

async function failover(): Promise<{
  expiryMs: number;
  acquiredAfterKillMs: number;
  firstCommitAfterAcquireMs: number;
}> {
  return withRig(3, 4, async (rig) => {
    await post(rig, 0, 4 * BATCH, 4);
    let victim = -1;
    let shard = '';
    await until(async () => {
      for (const [index, held] of await writersByReplica(rig))
        if (held.length > 0) [victim, shard] = [index, held[0] as string];
      return victim >= 0;
    }, 'a writer');
    const survivors = rig.replicas.map((replica, index) => (index === victim ? null : replica));
    const marks = survivors.map((replica) => replica?.logs.length ?? 0);
    const killedAt = Date.now();
    await rig.killReplica(victim);
    // A trickle keeps the shard busy, so the new owner has something to commit at once.
    const trickle = (async () => {
      for (let n = 0; n < 40; n += 1) {
        const to = survivors.find(Boolean);
        if (!to) return;
        await fetch(`${to.url}/ingest/kubernetes/${shard.replace('kubernetes-', '')}/audit`, {
          method: 'POST',
          headers: { authorization: `Bearer ${CLUSTER_TOKEN}`, 'content-type': 'application/json' },
          body: auditBody(1_000_000 + n * BATCH, BATCH),
        }).then((response) => response.arrayBuffer());
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    })();
    const first = await Promise.any(
      survivors.flatMap((replica, index) =>
        replica
          ? [
              logLine(
                replica,
                (entry) => entry['msg'] === 'first commit of the shard session' && entry['shard'] === shard,
                marks[index],
              ).then(async (entry) => {
                const acquired = await logLine(
                  replica,
                  (line) => line['msg'] === 'shard lease acquired' && line['shard'] === shard,
                  marks[index],
                );
                return { entry, acquired };
              }),
            ]
          : [],
      ),
    );
    await trickle;
    const acquiredAt = Date.parse(String(first.acquired['time']));
    return {
      expiryMs: LEASE_TTL_MS,
      acquiredAfterKillMs: acquiredAt - killedAt,
      firstCommitAfterAcquireMs: Number(first.entry['msAfterAcquired']),
    };
  });
}

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    replicas: { type: 'string', default: '1,2,3' },
    shards: { type: 'string', default: '1,4' },
    json: { type: 'boolean', default: false },
  },
});
const events = Number(values.events);
const results: RunResult[] = [];
for (const shards of values.shards.split(',').map(Number))
  for (const replicas of values.replicas.split(',').map(Number)) {
    const result = await measure(replicas, shards, events);
    results.push(result);
    if (!values.json)
      console.log(
        `replicas ${replicas}  shards ${shards}  events ${events}  acked/s ${result.ackedPerSecond}  ` +
          `committed/s ${result.committedPerSecond}  ack p50 ${result.ackP50Ms} ms  p99 ${result.ackP99Ms} ms`,
      );
  }
const takeover = await failover();
if (values.json) console.log(JSON.stringify({ results, failover: takeover }, null, 2));
else
  console.log(
    `failover (leaseTtl ${takeover.expiryMs} ms): lease taken ${takeover.acquiredAfterKillMs} ms after the kill, ` +
      `first commit ${takeover.firstCommitAfterAcquireMs} ms after taking it`,
  );
