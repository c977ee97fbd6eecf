// Signed checkpoints of one shard (issue 11 in cluster mode): the writer holding the shard's
// lease runs the daemon's checkpoint schedule on the shard's repository, with the stream
// sequence it committed as the journal sequence, every checkpoint.interval and when it hands
// the shard over. The chain continues from the remote's last checkpoint (restore fetched the
// remote's tags), and nothing is written once the lease is lost, so two writers never fork it.
// With a remote, the cluster's KV record of the last pushed checkpoint (checkpoint-witness.ts)
// is checked first: a remote that lost it gets no checkpoint until an operator acts.
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import { findChainTip } from '../checkpoint/chain-tip.ts';
import type { LedgerSettings } from '../config/ledger-settings.ts';
import type { Config } from '../config/schema.ts';
import { startCheckpoints, type CheckpointInstruments, type Checkpoints } from '../daemon/checkpoints.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import { checkRemoteChain, readPushedCheckpoint, recordPushedCheckpoint, remoteHolds } from './checkpoint-witness.ts';
import type { RemoteAccess } from './remote-git.ts';

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
  readonly chainReset?: string;
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

export interface WitnessedCheckpoints {
  readonly checkpoints: Checkpoints | null;
  /** Why this shard gets no checkpoints (its remote lost the last one this cluster pushed), or null. */
  readonly problem: string | null;
  /** After a successful push: records the newest checkpoint in the KV once the remote is seen to hold it. */
  pushed(): Promise<void>;
}

export interface WitnessOptions {
  readonly shard: string;
  readonly kv: KV;
  readonly remote: RemoteAccess | null;
}

/** The shard's checkpoints, checked against and recorded in the cluster's KV when the shard has a remote. */
export async function startWitnessedCheckpoints(
  options: ShardCheckpointOptions,
  witness: WitnessOptions,
): Promise<WitnessedCheckpoints> {
  const { shard, kv, remote } = witness;
  const { log } = options;
  if (!remote)
    return { checkpoints: await startShardCheckpoints(options), problem: null, pushed: async () => undefined };
  const gitdir = options.ledger.gitdir;
  const { problem, chainReset } = await checkRemoteChain(
    gitdir,
    shard,
    remote.url,
    await readPushedCheckpoint(kv, shard),
  );
  if (problem) {
    log.error({ shard, remote: remote.url }, problem);
    return { checkpoints: null, problem, pushed: async () => undefined };
  }
  if (chainReset) log.warn({ shard, chainReset }, 'the loss of checkpoints was accepted; the chain continues');
  // After an accepted loss the record keeps saying so until the checkpoint that records the reset is pushed.
  let mayRecord = chainReset === null;
  const checkpoints = await startShardCheckpoints({
    ...options,
    ...(chainReset ? { chainReset } : {}),
    onCheckpoint: () => {
      mayRecord = true;
      options.onCheckpoint();
    },
  });
  let recorded = -1;
  let recording: Promise<void> = Promise.resolve();
  const record = async () => {
    if (!mayRecord) return;
    const last = checkpoints.last();
    if (last && last.number <= recorded) return;
    // The remote's own tip (fetched at restore) or the newest written since, once the remote holds it.
    const tip = await findChainTip(gitdir, options.dir);
    if (!tip || tip.record.number <= recorded) return;
    const { name, oid, number, signatureSha256 } = tip.record;
    if (!(await remoteHolds(remote, name, oid))) return;
    await recordPushedCheckpoint(kv, shard, { name, oid, number, signatureSha256, pushedAt: options.now() });
    recorded = number;
  };
  const pushed = () => {
    recording = recording
      .then(record)
      .catch((error: unknown) => log.warn({ err: error, shard }, 'cannot record the pushed checkpoint in NATS'));
    return recording;
  };
  void pushed();
  return { checkpoints, problem: null, pushed };
}
