// What intake's `record` does in cluster mode: publish to the stream; while the stream cannot
// store (no connection, no leader, full), spill to the local disk when enabled (fsynced before
// the 2xx) or refuse with 503 so the sender retries. Once anything is spilled, later batches
// queue behind it, so one replica hands its batches to the stream in the order it took them.
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import { ClusterUnavailableError } from './errors.ts';
import type { ClusterMetrics } from './metrics.ts';
import type { StreamPublisher } from './publisher.ts';
import type { Spill } from './spill.ts';

export interface ClusterIntake {
  /** The intake seam: resolves once the batch is stored in the stream (or spilled durably). */
  record(batch: ChangeBatch): Promise<number>;
  /** Why intake cannot take batches now; empty when it can. */
  problems(): string[];
}

export function createClusterIntake(deps: {
  readonly publisher: StreamPublisher;
  readonly spill: Spill | null;
  readonly metrics: ClusterMetrics;
  readonly log: Logger;
}): ClusterIntake {
  const { publisher, spill, metrics, log } = deps;
  const toSpill = async (batch: ChangeBatch, cause: unknown): Promise<number> => {
    const seq = await (spill as Spill).append(batch);
    metrics.spilled.inc();
    if (cause) log.warn({ err: cause, source: batch.source }, 'the stream cannot store batches; spilling to disk');
    return seq;
  };
  return {
    async record(batch) {
      if (spill && spill.depth().entries > 0) return toSpill(batch, null);
      try {
        return await publisher.publish(batch);
      } catch (error) {
        if (!spill || !(error instanceof ClusterUnavailableError)) throw error;
        return toSpill(batch, error);
      }
    },
    problems() {
      if (publisher.isAvailable) return [];
      if (spill && !spill.isFull) return [];
      return [
        spill
          ? 'NATS cannot store batches and the spill buffer is full (cluster.spill.maxBytes)'
          : 'NATS cannot store batches (not connected or the stream is not ready); cluster.spill is off',
      ];
    },
  };
}
