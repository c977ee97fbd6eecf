// Signed checkpoints of one shard (issue 11 in cluster mode): the writer holding the shard's
// lease runs the daemon's checkpoint schedule on the shard's repository, with the stream
// sequence it committed as the journal sequence, every checkpoint.interval and when it hands
// the shard over. The chain continues from the remote's last checkpoint (restore fetched the
// remote's tags), and nothing is written once the lease is lost, so two writers never fork it.
// With a remote, the cluster's KV record of the last pushed checkpoint is checked first
// (witnessed-checkpoints.ts): a remote that lost it gets no checkpoint until the tags are back
// or an operator accepts the loss.
import type { Logger } from 'pino';
import { findChainTip } from '../checkpoint/chain-tip.ts';
import type { ChainReset } from '../checkpoint/message.ts';
import type { LedgerSettings } from '../config/ledger-settings.ts';
import type { Config } from '../config/schema.ts';
import { startCheckpoints, type CheckpointInstruments, type Checkpoints } from '../daemon/checkpoints.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';

/** What every shard's checkpoints share: gitrail.yaml's checkpoint section, the tagger, one set of metrics. */
export interface ShardCheckpointSettings {
  readonly config: Config;
  readonly writer: LedgerSettings;
  readonly env: NodeJS.ProcessEnv;
  readonly instruments: CheckpointInstruments;
}

export interface ShardCheckpointOptions {
  readonly settings: ShardCheckpointSettings;
  /** `<data>/shards/<shard>`: its checkpoint.json. */
  readonly dir: string;
  readonly ledger: Ledger;
  /** The JetStream sequence the shard's commits are durable up to. */
  readonly committedSeq: () => number;
  readonly holdsLease: () => boolean;
  readonly metrics: GitrailMetrics;
  readonly log: Logger;
  readonly now: () => number;
  /** After each checkpoint: the shard's remote witnesses it at once. */
  readonly onCheckpoint: () => void;
  /** `Chain-Reset:` of the first checkpoint written (an operator accepted that the remote lost some). */
  readonly chainReset?: ChainReset;
}

export async function startShardCheckpoints(options: ShardCheckpointOptions): Promise<Checkpoints> {
  const { settings } = options;
  // A new holder resumes after the lowest Stream-Seq of the heads, which can be below what the
  // previous holder's last checkpoint named; the heads contain that much, so the sequence never goes back.
  const tip = await findChainTip(options.ledger.gitdir, options.dir);
  const floor = tip?.checkpoint?.facts.journalSeq ?? 0;
  return startCheckpoints({
    config: settings.config,
    writer: settings.writer,
    ledger: options.ledger,
    dataDir: options.dir,
    journalSeq: () => Math.max(floor, options.committedSeq()),
    registry: options.metrics.registry,
    instruments: settings.instruments,
    mayWrite: options.holdsLease,
    env: settings.env,
    log: options.log.child({ component: 'checkpoint' }),
    now: options.now,
    onCheckpoint: options.onCheckpoint,
    ...(options.chainReset ? { chainReset: options.chainReset } : {}),
  });
}
