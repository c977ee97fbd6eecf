// One writer session of one shard, for as long as this replica holds its lease (issue 14
// items 2 and 3): restore the repository (fetch the remote, resume after the lowest Stream-Seq
// of its heads), open the ledger, create this epoch's durable pull consumer from there, drain
// it (acknowledging after each durable flush), push to the remote, and purge from the stream
// what the remote reflects (everything committed, without a remote). Reports to the registry.
// Writes the shard's signed checkpoints while it holds the lease (witnessed-checkpoints.ts; none
// while its remote lacks the last one pushed: checkpointProblem) and gives its repository the mailmap.
import type { Logger } from 'pino';
import type { LedgerSettings } from '../config/ledger-settings.ts';
import type { Actor } from '../domain/change.ts';
import { Drainer } from '../journal/drainer.ts';
import { Quarantine } from '../journal/quarantine.ts';
import { Ledger } from '../ledger/ledger.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import type { IdentitiesConfig } from '../identities/mailmap.ts';
import type { Mirror } from '../mirror/mirror.ts';
import type { ClusterConfig, ShardRemoteConfig } from './config.ts';
import { shardSubject } from './message.ts';
import type { ClusterResources } from './nats.ts';
import { PushTracker } from './push-tracker.ts';
import type { RemoteAccess } from './remote-git.ts';
import { restoreShard } from './restore.ts';
import { activityOptions, lineBranches, readHeads, type ShardActivity } from './shard-activity.ts';
import { createShardConsumer } from './shard-consumer.ts';
import type { ShardCheckpointSettings } from './shard-checkpoints.ts';
import { measureShardLag } from './shard-lag.ts';
import { startShardMirror } from './shard-mirror.ts';
import type { ShardRegistry, ShardStatus } from './shard-registry.ts';
import { StreamJournal } from './stream-journal.ts';
import { StreamPurger } from './stream-purger.ts';
import { startWitnessedCheckpoints, type WitnessedCheckpoints } from './witnessed-checkpoints.ts';
import { dataFolder } from '../domain/data-folder.ts';

export interface ShardSessionOptions {
  readonly shard: string;
  readonly epoch: number;
  readonly replica: string;
  readonly resources: ClusterResources;
  readonly config: ClusterConfig;
  /** `<data>/shards/<shard>`: repo.git, index.db, writer.lock. */
  readonly dir: string;
  readonly remote: (RemoteAccess & { readonly settings: ShardRemoteConfig }) | null;
  readonly committer: Actor;
  /** signing.keyFile and principal: one key shared by every replica, so a shard verifies whoever wrote it. */
  readonly signing?: LedgerSettings['signing'];
  /** People and their author e-mails: the shard's repository gets the same mailmap as a single machine's. */
  readonly identities?: IdentitiesConfig;
  /** retention.activity's period and retention.rules' lines, as the ledger of a single machine writes them. */
  readonly activity?: ShardActivity;
  /** Signed checkpoints of the shard while this session holds its lease; null writes none. */
  readonly checkpoints: ShardCheckpointSettings | null;
  /** False once the lease is lost (fenced): no checkpoint is written after. */
  readonly holdsLease: () => boolean;
  readonly drain: { readonly maxChangesPerFlush: number; readonly flushIntervalMs: number };
  readonly metrics: GitrailMetrics;
  readonly registry: ShardRegistry;
  readonly log: Logger;
  readonly now: () => number;
}

export type SessionState = 'restoring' | 'writing' | 'stopping' | 'stopped';

const REPORT_EVERY_MS = 2_000;

interface Running {
  readonly ledger: Ledger;
  readonly journal: StreamJournal;
  readonly drainer: Drainer;
  readonly drained: Promise<void>;
  readonly mirror: Mirror | null;
  readonly tracker: PushTracker | null;
  readonly checkpoints: WitnessedCheckpoints | null;
}

export class ShardSession {
  readonly shard: string;
  readonly epoch: number;
  state: SessionState = 'restoring';
  /** Resolves with the reason when the session ends on its own (a failure, a rejected push). */
  readonly ended: Promise<string>;
  lagMessages: number | null = null;
  lagSeconds: number | null = null;
  /** Resolves with when the first batch of this session was committed and acknowledged (failover time). */
  readonly firstCommit: Promise<number>;
  readonly #options: ShardSessionOptions;
  #end: (reason: string) => void = () => undefined;
  #firstCommitted: ((at: number) => void) | null = null;
  #running: Running | null = null;
  readonly #purger: StreamPurger;
  #reporter: NodeJS.Timeout | undefined;
  #stopping = false;
  #starting: Promise<void> | null = null;

  constructor(options: ShardSessionOptions) {
    this.#options = options;
    this.shard = options.shard;
    this.epoch = options.epoch;
    this.#purger = new StreamPurger(options.resources, options.config.stream.name, this.#subject, options.log);
    this.ended = new Promise((resolve) => {
      this.#end = resolve;
    });
    this.firstCommit = new Promise((resolve) => {
      this.#firstCommitted = resolve;
    });
  }

  get #subject(): string {
    return shardSubject(this.#options.config.stream.subject, this.shard);
  }

  /** Why the shard gets no checkpoints (its remote lost the last one this cluster pushed), or null. */
  get checkpointProblem(): string | null {
    return this.#running?.checkpoints?.problem ?? null;
  }

  get committedSeq(): number | null {
    return this.#running?.journal.checkpointed ?? null;
  }

  /** Restores the shard and starts writing; throws when it cannot (the caller releases the lease). */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const { dir, remote, log } = this.#options;
    const gitdir = dataFolder(dir).repo;
    const lines = lineBranches(this.#options.activity);
    const restored = await restoreShard({ gitdir, indexPath: dataFolder(dir).index, remote, lines, log });
    if (this.#stopping) return;
    const ledger = await Ledger.open({
      dataDir: dir,
      committer: this.#options.committer,
      ...activityOptions(this.#options.activity),
      ...(this.#options.signing ? { signing: this.#options.signing } : {}),
      ...(this.#options.identities ? { identities: this.#options.identities } : {}),
      flushEvery: this.#options.drain.maxChangesPerFlush,
      now: this.#options.now,
      log: log.child({ component: 'ledger' }),
    });
    try {
      const consumer = await createShardConsumer({
        ...this.#options,
        subject: this.#subject,
        resumeAfter: restored.resumeAfter,
      });
      const tracker = remote ? new PushTracker(restored.resumeAfter, restored.branches, restored.remoteBranches) : null;
      const journal = new StreamJournal({
        consumer,
        startAfter: restored.resumeAfter,
        log,
        onFailure: (error) => this.#end(`the stream consumer failed: ${String(error)}`),
        onCheckpoint: (seq) => {
          this.#firstCommitted?.(this.#options.now());
          this.#firstCommitted = null;
          const heads = () => readHeads(gitdir, ['main', 'activity', ...lines]);
          this.#purger.upTo(tracker ? tracker.flushed(seq, heads()) : seq);
        },
        now: this.#options.now,
      });
      let witnessed: WitnessedCheckpoints | null = null;
      const mirror =
        remote && tracker
          ? startShardMirror({
              shard: this.shard,
              gitdir,
              remote,
              tracker,
              log,
              now: this.#options.now,
              reflected: (seq) => this.#purger.upTo(seq),
              rejected: (reason) => this.#end(reason),
              pushed: () => void witnessed?.pushed(),
            })
          : null;
      if (mirror) ledger.onCommitted((commits) => mirror.committed(commits));
      // A record the ledger cannot write is held in the shard's quarantine (issue 10): without it the
      // drainer would fail, the session end, and the stream replay the same record for ever.
      const drainer = new Drainer({
        journal,
        ledger,
        quarantine: new Quarantine(dir),
        metrics: this.#options.metrics,
        log,
        ...this.#options.drain,
        now: this.#options.now,
      });
      const settings = this.#options.checkpoints;
      witnessed = settings
        ? await startWitnessedCheckpoints(
            {
              settings,
              dir,
              ledger,
              committedSeq: () => journal.checkpointed,
              holdsLease: this.#options.holdsLease,
              metrics: this.#options.metrics,
              log,
              now: this.#options.now,
              onCheckpoint: () => mirror?.checkpointed(),
            },
            { shard: this.shard, kv: this.#options.resources.checkpoints, remote },
          )
        : null;
      const drained = drainer.run();
      drained.catch((error: unknown) => this.#end(`the drainer failed: ${String(error)}`));
      this.#running = { ledger, journal, drainer, drained, mirror, tracker, checkpoints: witnessed };
      journal.start();
      mirror?.start();
      this.state = 'writing';
      this.#reporter = setInterval(() => void this.#report(), REPORT_EVERY_MS);
      log.info(
        { resumeAfter: restored.resumeAfter, heads: restored.heads, reset: restored.reset, epoch: this.epoch },
        'shard restored; writing',
      );
    } catch (error) {
      await ledger.close();
      throw error;
    }
  }

  async #report(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    const { resources, config, registry, log, now } = this.#options;
    try {
      const lag = await measureShardLag(
        resources,
        { stream: config.stream.name, consumer: `${this.shard}-w${this.epoch}`, subject: this.#subject },
        running.journal,
        now,
      );
      this.lagMessages = lag.messages;
      this.lagSeconds = lag.seconds;
      const status: ShardStatus = {
        shard: this.shard,
        registeredAt: 0,
        holder: this.#options.replica,
        committedSeq: running.journal.checkpointed,
        pushedSeq: running.tracker ? running.tracker.reflected : running.journal.checkpointed,
        pushed: running.tracker
          ? running.tracker.pushedHeads()
          : { main: running.ledger.head('main'), activity: running.ledger.head('activity') },
        lagMessages: this.lagMessages,
        lagSeconds: this.lagSeconds,
        ...(this.checkpointProblem ? { problem: this.checkpointProblem } : {}),
        updatedAt: now(),
      };
      await registry.report(status);
    } catch (error) {
      log.debug({ err: error }, 'cannot report shard status');
    }
  }

  /**
   * Ends the session. Nothing more is handed to the ledger; what was applied is flushed. With
   * `handover` (a graceful stop, not a lost lease) the remote is pushed to before returning.
   */
  async stop(options: { handover: boolean }): Promise<void> {
    this.#stopping = true;
    this.state = 'stopping';
    await this.#starting?.catch(() => undefined);
    clearInterval(this.#reporter);
    const running = this.#running;
    this.#running = null;
    if (running) {
      running.journal.fence();
      if (!options.handover) running.checkpoints?.cancel();
      running.drainer.stop();
      const failed = await running.drained.then(
        () => false,
        () => true,
      );
      this.#options.log.info({ failed }, 'shard session stopping: drained');
      // The handover checkpoint, before the last push; not after a drainer failure (the ledger's state is unknown).
      if (options.handover && !failed)
        await running.checkpoints
          ?.stop()
          .catch((error: unknown) => this.#options.log.error({ err: error }, 'handover checkpoint failed'));
      else running.checkpoints?.cancel();
      if (options.handover && !failed) await running.mirror?.flush();
      await running.mirror?.stop();
      this.#options.log.info('shard session stopping: pushed');
      await this.#purger.settled();
      if (options.handover && !failed) {
        this.#running = running;
        await this.#report();
        this.#running = null;
      }
      // After a drainer failure the ledger's unflushed state is unknown: leave it; the stream replays.
      if (!failed) await running.ledger.close();
    }
    this.state = 'stopped';
    this.#end('stopped');
  }
}
