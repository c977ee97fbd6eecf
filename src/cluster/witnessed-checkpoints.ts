// A shard's checkpoints checked against the cluster's KV record of the last one pushed
// (checkpoint-witness.ts) when the shard has a remote. A remote that lost that checkpoint gets
// none; the writer keeps holding the shard and checks again, fetching the remote's tags, every
// checkpoint.interval and at once when the shard's KV record changes (an operator accepted the
// loss), so pushing the tags back or accepting the loss needs no restart. Once the remote is
// fine the schedule starts, numbered after any accepted loss, and each checkpoint the remote is
// seen to hold is recorded in the KV.
import { type KV, KvWatchInclude } from '@nats-io/kv';
import { findChainTip } from '../checkpoint/chain-tip.ts';
import type { ChainReset } from '../checkpoint/message.ts';
import type { Checkpoints } from '../daemon/checkpoints.ts';
import { checkRemoteChain, readPushedCheckpoint, recordPushedCheckpoint, remoteHolds } from './checkpoint-witness.ts';
import { fetchCheckpointTags, type RemoteAccess } from './remote-git.ts';
import { type ShardCheckpointOptions, startShardCheckpoints } from './shard-checkpoints.ts';

export interface WitnessedCheckpoints {
  /** The shard's checkpoint schedule; null while its remote lacks the last checkpoint pushed. */
  readonly checkpoints: Checkpoints | null;
  /** Why this shard gets no checkpoints (its remote lost the last one this cluster pushed), or null. */
  readonly problem: string | null;
  /** After a successful push: records the newest checkpoint in the KV once the remote is seen to hold it. */
  pushed(): Promise<void>;
  /** Fetches the remote's checkpoint tags and checks them again now; starts the checkpoints once fine. */
  recheck(): Promise<void>;
  /** Handover: stops checking and writes the shutdown checkpoint (when checkpoints run). */
  stop(): Promise<void>;
  /** Stops checking and the schedule; nothing more is written. */
  cancel(): void;
}

export interface WitnessOptions {
  readonly shard: string;
  readonly kv: KV;
  readonly remote: RemoteAccess | null;
  /** How often a refused shard checks its remote again (default checkpoint.interval). */
  readonly recheckMs?: number;
}

/** The shard's checkpoints, checked against and recorded in the cluster's KV when the shard has a remote. */
export async function startWitnessedCheckpoints(
  options: ShardCheckpointOptions,
  witness: WitnessOptions,
): Promise<WitnessedCheckpoints> {
  if (!witness.remote) {
    const checkpoints = await startShardCheckpoints(options);
    return {
      checkpoints,
      problem: null,
      pushed: async () => undefined,
      recheck: async () => undefined,
      stop: () => checkpoints.stop(),
      cancel: () => checkpoints.cancel(),
    };
  }
  const witnessed = new Witnessed(options, { ...witness, remote: witness.remote });
  await witnessed.check(false);
  if (witnessed.problem) witnessed.watch();
  return witnessed;
}

class Witnessed implements WitnessedCheckpoints {
  checkpoints: Checkpoints | null = null;
  problem: string | null = null;
  readonly #options: ShardCheckpointOptions;
  readonly #witness: WitnessOptions & { readonly remote: RemoteAccess };
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #watcher: { stop(): void } | null = null;
  #checking: Promise<void> | null = null;
  #again = false;
  /** After an accepted loss the record keeps saying so until the checkpoint that records the reset is written. */
  #mayRecord = false;
  #recorded = -1;
  #recording: Promise<void> = Promise.resolve();

  constructor(options: ShardCheckpointOptions, witness: WitnessOptions & { readonly remote: RemoteAccess }) {
    this.#options = options;
    this.#witness = witness;
  }

  /** Checks the remote's tags (fetched first unless restore just did) against the KV record. */
  async check(fetch: boolean): Promise<void> {
    const { shard, kv, remote } = this.#witness;
    const { log } = this.#options;
    const gitdir = this.#options.ledger.gitdir;
    if (fetch) await fetchCheckpointTags(gitdir, remote);
    const { problem, chainReset } = await checkRemoteChain(
      gitdir,
      shard,
      remote.url,
      await readPushedCheckpoint(kv, shard),
    );
    if (this.#closed || this.checkpoints) return;
    if (problem) {
      if (problem !== this.problem) log.error({ shard, remote: remote.url }, problem);
      this.problem = problem;
      return;
    }
    if (this.problem) log.info({ shard }, 'the remote holds the last checkpoint pushed, or its loss was accepted');
    await this.#start(chainReset);
  }

  async #start(chainReset: ChainReset | null): Promise<void> {
    const { shard } = this.#witness;
    if (chainReset) this.#options.log.warn({ shard, chainReset: chainReset.note }, 'checkpoints lost; chain continues');
    this.#mayRecord = chainReset === null;
    const checkpoints = await startShardCheckpoints({
      ...this.#options,
      ...(chainReset ? { chainReset } : {}),
      onCheckpoint: () => {
        this.#mayRecord = true;
        this.#options.onCheckpoint();
      },
    });
    if (this.#closed) {
      checkpoints.cancel();
      return;
    }
    this.checkpoints = checkpoints;
    this.problem = null;
    this.#unwatch();
    void this.pushed();
  }

  /** Checks again on the checkpoint interval and whenever the shard's KV record changes. */
  watch(): void {
    const { shard, kv } = this.#witness;
    const every = this.#witness.recheckMs ?? this.#options.settings.config.checkpoint.interval;
    this.#timer = setInterval(() => void this.recheck(), every);
    this.#timer.unref();
    kv.watch({ key: shard, include: KvWatchInclude.UpdatesOnly })
      .then(async (watcher) => {
        if (this.#closed || this.checkpoints) return watcher.stop();
        this.#watcher = watcher;
        // A change made between the first check and the watch would otherwise wait for the interval.
        void this.recheck();
        for await (const _entry of watcher) void this.recheck();
      })
      .catch((error: unknown) => this.#options.log.warn({ err: error, shard }, 'cannot watch the checkpoint record'));
  }

  #unwatch(): void {
    clearInterval(this.#timer);
    this.#watcher?.stop();
    this.#watcher = null;
  }

  recheck(): Promise<void> {
    if (this.#checking) {
      this.#again = true;
      return this.#checking;
    }
    this.#checking = (async () => {
      do {
        this.#again = false;
        if (this.#closed || this.checkpoints || !this.#options.holdsLease()) return;
        await this.check(true).catch((error: unknown) =>
          this.#options.log.warn({ err: error, shard: this.#witness.shard }, 'cannot check the remote checkpoints'),
        );
      } while (this.#again);
    })().finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  pushed(): Promise<void> {
    this.#recording = this.#recording
      .then(() => this.#record())
      .catch((error: unknown) =>
        this.#options.log.warn(
          { err: error, shard: this.#witness.shard },
          'cannot record the pushed checkpoint in NATS',
        ),
      );
    return this.#recording;
  }

  async #record(): Promise<void> {
    const checkpoints = this.checkpoints;
    if (!checkpoints || !this.#mayRecord) return;
    const last = checkpoints.last();
    if (last && last.number <= this.#recorded) return;
    // The remote's own tip (fetched at restore) or the newest written since, once the remote holds it.
    const tip = await findChainTip(this.#options.ledger.gitdir, this.#options.dir);
    if (!tip || tip.record.number <= this.#recorded) return;
    const { name, oid, number, signatureSha256 } = tip.record;
    if (!(await remoteHolds(this.#witness.remote, name, oid))) return;
    const record = { name, oid, number, signatureSha256, pushedAt: this.#options.now() };
    await recordPushedCheckpoint(this.#witness.kv, this.#witness.shard, record);
    this.#recorded = number;
  }

  async stop(): Promise<void> {
    this.#closed = true;
    this.#unwatch();
    await this.#checking;
    await this.checkpoints?.stop();
  }

  cancel(): void {
    this.#closed = true;
    this.#unwatch();
    this.checkpoints?.cancel();
  }
}
