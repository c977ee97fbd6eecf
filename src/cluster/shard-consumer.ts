// The durable pull consumer of one shard session: this epoch's, on the shard's subject, from
// the first stream sequence after `resumeAfter`; consumers of earlier epochs are deleted first.
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import type { ClusterConfig } from './config.ts';
import type { ClusterResources } from './nats.ts';

const MS = 1_000_000;

export interface ShardConsumerOptions {
  readonly shard: string;
  readonly epoch: number;
  readonly replica: string;
  readonly subject: string;
  readonly resumeAfter: number;
  readonly resources: ClusterResources;
  readonly config: ClusterConfig;
}

export async function createShardConsumer(options: ShardConsumerOptions) {
  const { resources, config, subject } = options;
  const stream = config.stream.name;
  // Consumers of earlier epochs: their acknowledgements must never reach this one.
  for await (const info of resources.jsm.consumers.list(stream))
    if (info.config.filter_subject === subject) await resources.jsm.consumers.delete(stream, info.name);
  const name = `${options.shard}-w${options.epoch}`;
  await resources.jsm.consumers.add(stream, {
    durable_name: name,
    filter_subject: subject,
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: options.resumeAfter + 1,
    ack_wait: config.writer.ackWait * MS,
    max_ack_pending: 20_000,
    description: `gitrail writer of shard ${options.shard} (${options.replica})`,
  });
  return resources.js.consumers.get(stream, name);
}
