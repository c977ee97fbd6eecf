// The cluster's Prometheus metrics, on the daemon's registry: publishes and their latency,
// the spill buffer, the NATS connection, and per shard the lag (batches and seconds not yet
// committed), who holds its lease and whether this replica writes it.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ShardGauge {
  readonly shard: string;
  readonly holder: string | null;
  readonly writingHere: boolean;
  readonly lagMessages: number | null;
  readonly lagSeconds: number | null;
  /** Why the shard is failing in part (no checkpoints: its remote lost some), or null. */
  readonly problem: string | null;
}

export interface ClusterGaugeSource {
  readonly connected: () => boolean;
  readonly spill: () => { entries: number; bytes: number };
  readonly shards: () => readonly ShardGauge[];
}

export type ClusterMetrics = ReturnType<typeof createClusterMetrics>;

export function createClusterMetrics(registry: Registry) {
  const registers = [registry];
  let source: ClusterGaugeSource = {
    connected: () => false,
    spill: () => ({ entries: 0, bytes: 0 }),
    shards: () => [],
  };
  const perShard = (name: string, help: string, read: (shard: ShardGauge) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['shard'] as const,
      registers,
      collect() {
        this.reset();
        for (const shard of source.shards()) {
          const value = read(shard);
          if (value !== null) this.set({ shard: shard.shard }, value);
        }
      },
    });
  perShard(
    'gitrail_cluster_shard_lag_messages',
    'batches stored in the stream and not yet committed, per shard',
    (s) => s.lagMessages,
  );
  perShard(
    'gitrail_cluster_shard_lag_seconds',
    'age of the oldest batch not yet committed, per shard',
    (s) => s.lagSeconds,
  );
  perShard(
    'gitrail_cluster_shard_checkpoints_refused',
    'whether the shard writes no checkpoints because its remote lacks one this cluster pushed (1) or not (0)',
    (s) => (s.problem ? 1 : 0),
  );
  perShard('gitrail_cluster_shard_writing', 'whether this replica writes the shard (1) or not (0)', (s) =>
    s.writingHere ? 1 : 0,
  );
  new Gauge({
    name: 'gitrail_cluster_shard_lease_holder',
    help: 'the replica holding each shard lease (value 1)',
    labelNames: ['shard', 'holder'] as const,
    registers,
    collect() {
      this.reset();
      for (const shard of source.shards()) if (shard.holder) this.set({ shard: shard.shard, holder: shard.holder }, 1);
    },
  });
  new Gauge({
    name: 'gitrail_cluster_nats_connected',
    help: 'whether this replica is connected to NATS (1) or not (0)',
    registers,
    collect() {
      this.set(source.connected() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gitrail_cluster_spill_depth_entries',
    help: 'batches spilled to the local disk while NATS could not store them, not yet forwarded',
    registers,
    collect() {
      this.set(source.spill().entries);
    },
  });
  return {
    published: new Counter({
      name: 'gitrail_cluster_published_total',
      help: 'stream messages published by intake, by outcome (stored, duplicate, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    publishSeconds: new Histogram({
      name: 'gitrail_cluster_publish_seconds',
      help: 'from publishing a batch to every part being stored on a quorum of the stream replicas',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    spilled: new Counter({
      name: 'gitrail_cluster_spilled_total',
      help: 'batches kept on the local disk because NATS could not store them',
      registers,
    }),
    leasesAcquired: new Counter({
      name: 'gitrail_cluster_leases_acquired_total',
      help: 'shard leases this replica acquired (each one a restore and a new writer session)',
      labelNames: ['shard'] as const,
      registers,
    }),
    /** Where the gauges read from. */
    observe(next: ClusterGaugeSource): void {
      source = next;
    },
  };
}
