// Every replica follows the shard registry: the writers' reports feed the metrics, readiness
// and the viewer's sources page, and a shard whose pushed heads moved is fetched into the read
// view (plus a full refresh every half minute, in case a report was missed).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SourceStatus } from '../sources/source.ts';
import type { ShardGauge } from './metrics.ts';
import type { ReadView, ShardViewStatus } from './read-view.ts';
import type { ShardRegistry, ShardStatus } from './shard-registry.ts';
import type { WriterShardStatus } from './writers.ts';

const FULL_REFRESH_MS = 30_000;

export type ShardStatuses = ReturnType<typeof shardStatuses>;

/** The last report of every shard, joined with what this replica's writers know. */
export function shardStatuses() {
  const reports = new Map<string, ShardStatus>();
  const merged = (writers: readonly WriterShardStatus[]): WriterShardStatus[] => {
    const byShard = new Map(writers.map((status) => [status.shard, status]));
    for (const [shard, report] of reports)
      if (!byShard.has(shard))
        byShard.set(shard, {
          shard,
          holder: report.holder ?? null,
          writingHere: false,
          state: null,
          lagMessages: report.lagMessages ?? null,
          lagSeconds: report.lagSeconds ?? null,
          problem: report.problem ?? null,
        });
    return [...byShard.values()].sort((a, b) => (a.shard < b.shard ? -1 : 1));
  };
  return {
    /** Records a report; returns the previous one. */
    set(status: ShardStatus): ShardStatus | undefined {
      const previous = reports.get(status.shard);
      reports.set(status.shard, status);
      return previous;
    },
    shards: (): string[] => [...reports.keys()],
    merged,
    gauges(writers: readonly WriterShardStatus[]): ShardGauge[] {
      return merged(writers).map((status) => {
        const report = reports.get(status.shard);
        return {
          shard: status.shard,
          holder: status.holder,
          writingHere: status.writingHere,
          lagMessages: status.lagMessages ?? report?.lagMessages ?? null,
          lagSeconds: status.lagSeconds ?? report?.lagSeconds ?? null,
          problem: status.problem,
        };
      });
    },
    /** Shards as the viewer's sources: written (and by whom), lagging, or not fetchable. */
    asSources(writers: readonly WriterShardStatus[], view: readonly ShardViewStatus[]): SourceStatus[] {
      const fetched = new Map(view.map((status) => [status.shard, status]));
      return merged(writers).map((status) => {
        const read = fetched.get(status.shard);
        const lag = status.lagSeconds ?? undefined;
        return {
          id: `shard/${status.shard}${status.holder ? ` (${status.holder})` : ''}`,
          state:
            read?.lastError || status.problem
              ? 'failing'
              : status.holder === null
                ? 'starting'
                : lag !== undefined && lag > 60
                  ? 'lagging'
                  : 'up',
          ...(read?.lastRefreshAt ? { lastSuccessAt: read.lastRefreshAt } : {}),
          ...(status.problem ? { lastError: status.problem } : read?.lastError ? { lastError: read.lastError } : {}),
          ...(lag !== undefined ? { lagSeconds: Math.round(lag) } : {}),
        };
      });
    },
  };
}

const pushedKey = (status: ShardStatus | undefined) =>
  `${status?.pushed?.main ?? ''}:${status?.pushed?.activity ?? ''}`;

export async function watchShards(deps: {
  readonly registry: ShardRegistry;
  readonly statuses: ShardStatuses;
  readonly view: ReadView | null;
  readonly signal: AbortSignal;
  readonly log: Logger;
}): Promise<void> {
  const { registry, statuses, view, signal, log } = deps;
  const refreshAll = async () => {
    while (!signal.aborted) {
      await sleep(FULL_REFRESH_MS, undefined, { signal }).catch(() => undefined);
      if (!signal.aborted && view) await view.refresh(statuses.shards());
    }
  };
  const refreshing = refreshAll();
  for (let attempt = 0; !signal.aborted; attempt += 1) {
    try {
      await registry.watch((status) => {
        const previous = statuses.set(status);
        if (view && (previous === undefined || pushedKey(previous) !== pushedKey(status)))
          void view.refresh([status.shard]);
      }, signal);
      attempt = 0;
    } catch (error) {
      if (signal.aborted) break;
      if (attempt % 10 === 0) log.warn({ err: error }, 'cannot follow the shard registry; retrying');
    }
    await sleep(Math.min(5_000, 250 * 2 ** Math.min(attempt, 5)), undefined, { signal }).catch(() => undefined);
  }
  await refreshing;
}
