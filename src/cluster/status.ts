// What `gitrail cluster status` shows, read straight from NATS without changing anything: the
// stream (size, replicas and whether each is current), the live writers, and per shard who
// holds its lease, what its writer last reported (committed and pushed sequence, lag) and how
// long ago.
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { ClusterConfig } from './config.ts';
import { listKeys } from './kv-keys.ts';
import { readLease } from './lease.ts';
import { connectOnce } from './nats.ts';
import type { ShardStatus } from './shard-registry.ts';

export interface ClusterStatus {
  readonly stream: {
    readonly name: string;
    readonly messages: number;
    readonly bytes: number;
    readonly replicas: number;
    readonly leader: string | null;
    readonly peers: ReadonlyArray<{ readonly name: string; readonly current: boolean; readonly lag: number }>;
  };
  readonly writers: readonly string[];
  readonly shards: ReadonlyArray<ShardStatus & { readonly leaseHolder: string | null }>;
}

function parse(value: Uint8Array): Record<string, unknown> {
  return JSON.parse(Buffer.from(value).toString('utf8')) as Record<string, unknown>;
}

export async function readClusterStatus(config: ClusterConfig, env: NodeJS.ProcessEnv): Promise<ClusterStatus> {
  const nc = await connectOnce(config, env, 'gitrail cluster status');
  try {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    const info = await jsm.streams.info(config.stream.name);
    const kvm = new Kvm(nc);
    const leases = await kvm.open(`${config.stream.name}-leases`);
    const registry = await kvm.open(`${config.stream.name}-shards`);
    const writers: string[] = [];
    for (const key of await listKeys(leases, 'writer.>')) writers.push(key.slice('writer.'.length));
    const shards: Array<ShardStatus & { leaseHolder: string | null }> = [];
    for (const key of await listKeys(registry)) {
      const entry = await registry.get(key);
      if (!entry || entry.operation !== 'PUT') continue;
      const report = { ...(parse(entry.value) as unknown as ShardStatus), shard: key };
      shards.push({ ...report, leaseHolder: (await readLease(leases, key))?.replica ?? null });
    }
    return {
      stream: {
        name: info.config.name,
        messages: info.state.messages,
        bytes: info.state.bytes,
        replicas: info.config.num_replicas,
        leader: info.cluster?.leader ?? null,
        peers: (info.cluster?.replicas ?? []).map((peer) => ({
          name: peer.name,
          current: peer.current,
          lag: peer.lag ?? 0,
        })),
      },
      writers: writers.sort(),
      shards: shards.sort((a, b) => (a.shard < b.shard ? -1 : 1)),
    };
  } finally {
    await nc.close();
  }
}

function ago(at: number | undefined, now: number): string {
  if (at === undefined) return '-';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  return seconds < 120 ? `${seconds}s ago` : `${Math.round(seconds / 60)}m ago`;
}

/** The status as text: the stream, the writers, then one line per shard. */
export function formatClusterStatus(status: ClusterStatus, now: number): string {
  const { stream } = status;
  const peers = stream.peers.map((peer) => `${peer.name} ${peer.current ? 'current' : `behind by ${peer.lag}`}`);
  const header = [
    `stream ${stream.name}: ${stream.messages} batches (${(stream.bytes / 1024 / 1024).toFixed(1)} MiB) ` +
      `not yet pushed or purged, R${stream.replicas}, leader ${stream.leader ?? 'none'}` +
      (peers.length > 0 ? `; ${peers.join(', ')}` : ''),
    `writers: ${status.writers.length > 0 ? status.writers.join(', ') : 'none alive'}`,
    '',
  ];
  const rows = [
    ['SHARD', 'LEASE HOLDER', 'COMMITTED SEQ', 'PUSHED SEQ', 'LAG', 'LAG AGE', 'REPORTED'],
    ...status.shards.map((shard) => [
      shard.shard,
      shard.leaseHolder ?? '(none)',
      String(shard.committedSeq ?? '-'),
      String(shard.pushedSeq ?? '-'),
      String(shard.lagMessages ?? '-'),
      shard.lagSeconds === undefined ? '-' : `${shard.lagSeconds.toFixed(1)}s`,
      ago(shard.updatedAt, now),
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const lines = rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const problems = status.shards.flatMap((shard) => (shard.problem ? ['', shard.problem] : []));
  return `${[...header, ...lines, ...problems].join('\n')}\n`;
}
