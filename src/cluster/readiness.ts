// `/readyz` in cluster mode, per role (`?role=intake|writer|reader`; without it, intake's when
// this replica serves intake, else every role's): intake is ready while NATS stores batches or
// the spill buffer has room; a writer while it can contend for leases; a reader while every
// shard it knows could be fetched. The body always details every role.
import type { Readiness } from '../daemon/readiness.ts';
import type { ClusterRole } from './config.ts';
import type { ShardViewStatus } from './read-view.ts';
import type { WriterShardStatus } from './writers.ts';

export interface ClusterReadinessState {
  readonly stopping: string | null;
  readonly replica: string;
  readonly roles: readonly ClusterRole[];
  readonly connected: boolean;
  readonly intakeProblems: readonly string[];
  readonly spill: { readonly entries: number; readonly bytes: number } | null;
  readonly shards: readonly WriterShardStatus[];
  readonly reader: readonly ShardViewStatus[] | null;
}

function problemsOf(role: ClusterRole, state: ClusterReadinessState): string[] {
  if (!state.roles.includes(role)) return [`this replica does not serve the ${role} role (cluster.roles)`];
  if (role === 'intake') return [...state.intakeProblems];
  if (role === 'writer')
    return [
      ...(state.connected ? [] : ['not connected to NATS: cannot hold shard leases']),
      ...state.shards.flatMap((shard) => (shard.writingHere && shard.problem ? [shard.problem] : [])),
    ];
  return (state.reader ?? [])
    .filter((shard) => shard.lastError !== null)
    .map((shard) => `shard ${shard.shard}: ${shard.lastError}`);
}

export function assessClusterReadiness(state: ClusterReadinessState, role: string | undefined): Readiness {
  const roles: ClusterRole[] =
    role === 'intake' || role === 'writer' || role === 'reader'
      ? [role]
      : state.roles.includes('intake')
        ? ['intake']
        : [...state.roles];
  const reasons = [
    ...(state.stopping !== null ? [`shutting down (${state.stopping})`] : []),
    ...(role !== undefined && !['intake', 'writer', 'reader'].includes(role)
      ? [`no role ${JSON.stringify(role)}: use intake, writer or reader`]
      : roles.flatMap((name) => problemsOf(name, state))),
  ];
  return {
    ready: reasons.length === 0,
    reasons,
    cluster: {
      replica: state.replica,
      roles: state.roles,
      nats: state.connected ? 'connected' : 'disconnected',
      ...(state.spill ? { spill: state.spill } : {}),
      shards: state.shards,
      ...(state.reader ? { reader: state.reader } : {}),
    },
  };
}
