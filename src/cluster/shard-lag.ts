// How far a shard's writer is behind its part of the stream: messages not yet acknowledged and the
// age of the oldest one not yet committed (0 when none is waiting).
import type { MsgRequest } from '@nats-io/jetstream';
import type { ClusterResources } from './nats.ts';
import type { StreamJournal } from './stream-journal.ts';

export interface ShardLag {
  readonly messages: number;
  readonly seconds: number;
}

export async function measureShardLag(
  resources: ClusterResources,
  where: { readonly stream: string; readonly consumer: string; readonly subject: string },
  journal: StreamJournal,
  now: () => number,
): Promise<ShardLag> {
  const info = await resources.jsm.consumers.info(where.stream, where.consumer);
  let oldest = journal.oldestUncommittedAt;
  if (oldest === null && info.num_pending > 0) {
    // STREAM.MSG.GET answers next_by_subj (server ≥ 2.9); the client types it for direct gets only.
    const request = { seq: journal.checkpointed + 1, next_by_subj: where.subject };
    const next = await resources.jsm.streams.getMessage(where.stream, request as unknown as MsgRequest);
    oldest = next ? next.time.getTime() : null;
  }
  return {
    messages: info.num_pending + info.num_ack_pending,
    seconds: oldest === null ? 0 : Math.max(0, (now() - oldest) / 1000),
  };
}
