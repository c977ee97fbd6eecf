// `gitrail cluster accept-checkpoint-loss SHARD`: an operator's decision, after a shard's writer
// refused to continue a checkpoint chain whose newest tags its remote lost, that the loss stands.
// The shard's KV record is marked; the next writer continues from the remote's tip and writes
// `Chain-Reset: #<n> <tag> <oid> missing on remote; loss accepted <time>` in its first checkpoint.
import { Kvm } from '@nats-io/kv';
import { acceptCheckpointLoss, type PushedCheckpoint } from './checkpoint-witness.ts';
import type { ClusterConfig } from './config.ts';
import { connectOnce } from './nats.ts';

export async function acceptShardCheckpointLoss(
  config: ClusterConfig,
  env: NodeJS.ProcessEnv,
  shard: string,
  now: number,
): Promise<PushedCheckpoint> {
  const nc = await connectOnce(config, env, 'gitrail cluster accept');
  try {
    const kv = await new Kvm(nc).open(`${config.stream.name}-checkpoints`);
    return await acceptCheckpointLoss(kv, shard, now);
  } finally {
    await nc.close();
  }
}
