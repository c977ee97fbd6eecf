// `gitrail cluster status [--config FILE] [--json]`: the cluster as NATS sees it (stream, live
// writers, and per shard its lease holder, committed and pushed sequence, lag). Reads only.
// `gitrail cluster accept-checkpoint-loss SHARD`: accepts that a shard's remote lost checkpoints.
import { loadConfigValues } from '../../config/load.ts';
import { ConfigError } from '../../domain/errors.ts';
import { acceptShardCheckpointLoss } from '../../cluster/accept-loss.ts';
import { formatClusterStatus, readClusterStatus } from '../../cluster/status.ts';
import { parseCommandArgs } from '../args.ts';
import type { CommandIo } from '../command.ts';
import { UsageError } from '../usage-error.ts';

export const CLUSTER_HELP = `usage: gitrail cluster status [--config FILE] [--json]
       gitrail cluster accept-checkpoint-loss SHARD [--config FILE]
  status: the replicated stream, the live writers and every shard: who holds its lease, the last
  stream sequence committed and pushed, and how many batches (and how old the oldest) wait.
  accept-checkpoint-loss: the shard's remote lost checkpoints this cluster pushed and its writer
  refuses to continue the chain; accept the loss: the writer holding it continues at once from the
  remote's last checkpoint, numbered after the lost ones, and records the reset (Chain-Reset:).
  --config FILE   gitrail.yaml with a cluster: section (default: GITRAIL_CONFIG, else ./gitrail.yaml)
  --json          print JSON instead of a table`;

export async function clusterCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    config: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    io.stdout.write(`${CLUSTER_HELP}\n`);
    return 0;
  }
  const accept = positionals[0] === 'accept-checkpoint-loss' && positionals.length === 2;
  if (!accept && (positionals[0] !== 'status' || positionals.length > 1))
    throw new UsageError(
      `expected 'status' or 'accept-checkpoint-loss SHARD', got ${JSON.stringify(positionals.join(' '))}\n` +
        CLUSTER_HELP,
    );
  const { config, file } = loadConfigValues({ file: values.config, env: io.env });
  if (!config.cluster) throw new ConfigError([`${file ?? 'built-in defaults'}: has no cluster: section`]);
  if (accept) {
    const shard = positionals[1] as string;
    const lost = await acceptShardCheckpointLoss(config.cluster, io.env, shard, Date.now());
    io.stdout.write(
      `shard ${shard}: checkpoints up to #${lost.number} (${lost.name}) that the remote lacks are accepted as ` +
        `lost; the shard's next checkpoint is #${lost.number + 1} and records that as Chain-Reset:\n`,
    );
    return 0;
  }
  const status = await readClusterStatus(config.cluster, io.env);
  io.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatClusterStatus(status, Date.now()));
  return 0;
}
