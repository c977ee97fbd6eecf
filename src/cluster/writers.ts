// The writer role: every few seconds, look at the registered shards and their leases, take a
// free lease when this replica holds less than its share (shards ÷ live writers; a lease free
// for long is taken regardless), hand one shard over when it holds more than its share while
// another writer holds less, and run one ShardSession per lease held. A lost lease stops its
// session at once (fenced); a session that ends on its own gives its lease back.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Actor } from '../domain/change.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import type { ClusterConfig } from './config.ts';
import { ShardLease, presenceKey, readLease, type LeaseHolder } from './lease.ts';
import { listKeys } from './kv-keys.ts';
import type { ClusterMetrics } from './metrics.ts';
import type { ClusterResources, NatsLink } from './nats.ts';
import type { ShardRegistry } from './shard-registry.ts';
import { ShardSession, type ShardSessionOptions } from './shard-session.ts';
import type { ShardMap } from './shard-map.ts';

export interface WritersOptions {
  readonly link: NatsLink;
  readonly registry: ShardRegistry;
  readonly shardMap: ShardMap;
  readonly config: ClusterConfig;
  readonly replica: string;
  /** `<data>/shards`: one folder per shard. */
  readonly dir: string;
  readonly remoteFor: (shard: string) => ShardSessionOptions['remote'];
  readonly committer: Actor;
  readonly signing?: ShardSessionOptions['signing'];
  readonly identities?: ShardSessionOptions['identities'];
  readonly activity?: ShardSessionOptions['activity'];
  readonly checkpoints: ShardSessionOptions['checkpoints'];
  readonly drain: ShardSessionOptions['drain'];
  readonly metrics: GitrailMetrics;
  readonly clusterMetrics: ClusterMetrics;
  readonly log: Logger;
  readonly now: () => number;
}

export interface WriterShardStatus {
  readonly shard: string;
  readonly holder: string | null;
  readonly writingHere: boolean;
  readonly state: ShardSession['state'] | null;
  readonly lagMessages: number | null;
  readonly lagSeconds: number | null;
  /** Why the shard is failing in part (its remote lost checkpoints this cluster pushed), or null. */
  readonly problem: string | null;
}

interface Held {
  readonly lease: ShardLease;
  readonly session: ShardSession;
  readonly since: number;
}

/** A shard is handed over only after this long with one writer, and at most this often: a move costs a restore. */
const SETTLE_MS = 30_000;

/** After a session failed, the shard is left to others (or retried here) after this long, doubling. */
const RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;

export class ShardWriters {
  readonly #options: WritersOptions;
  readonly #held = new Map<string, Held>();
  readonly #holders = new Map<string, string | null>();
  /** Free since which tick, per shard. */
  readonly #freeSince = new Map<string, number>();
  readonly #notBefore = new Map<string, { at: number; delay: number }>();
  readonly #unwritable = new Set<string>();
  /** Sessions still stopping, by shard. */
  readonly #stopping = new Map<string, Promise<void>>();
  readonly #session = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  #timer: NodeJS.Timeout | undefined;
  #presence: NodeJS.Timeout | undefined;
  #ticks = 0;
  #lastHandover = 0;
  #stopped = false;
  #ticking: Promise<void> | null = null;

  constructor(options: WritersOptions) {
    this.#options = options;
  }

  get #tickMs(): number {
    return Math.max(250, Math.min(3_000, this.#options.config.writer.leaseTtl / 5));
  }

  start(): void {
    // On its own timer: a round that waits for a shard's restore must not let this writer look dead.
    this.#presence = setInterval(() => void this.#announce(), this.#options.config.writer.leaseTtl / 3);
    this.#schedule(0);
  }

  /** Renews this replica's presence key (expiring after leaseTtl): `cluster status` lists it as a live writer. */
  async #announce(): Promise<void> {
    if (this.#stopped || !this.#options.link.connected) return;
    try {
      const resources = await this.#options.link.ready();
      if (this.#stopped) return;
      const { replica, now } = this.#options;
      await resources.leases.put(presenceKey(replica), JSON.stringify({ replica, at: now() }));
    } catch (error) {
      this.#options.log.debug({ err: error }, 'presence not renewed; next round retries');
    }
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#ticking = this.#tick()
        .catch((error: unknown) => this.#options.log.warn({ err: error }, 'shard writer round failed'))
        .finally(() => {
          this.#ticking = null;
          // Jitter keeps replicas from contending in lockstep.
          this.#schedule(this.#tickMs * (0.75 + Math.random() * 0.5));
        });
    }, delay);
  }

  status(): WriterShardStatus[] {
    return [...this.#holders].map(([shard, holder]) => {
      const session = this.#held.get(shard)?.session ?? null;
      return {
        shard,
        holder,
        writingHere: session !== null,
        state: session?.state ?? null,
        lagMessages: session?.lagMessages ?? null,
        lagSeconds: session?.lagSeconds ?? null,
        problem: session?.checkpointProblem ?? null,
      };
    });
  }

  /** Sessions of this replica, for readiness: a session that could not start is a problem. */
  sessions(): ReadonlyMap<string, ShardSession> {
    return new Map([...this.#held].map(([shard, held]) => [shard, held.session]));
  }

  async #tick(): Promise<void> {
    if (!this.#options.link.connected) return;
    const resources = await this.#options.link.ready();
    this.#ticks += 1;
    const { replica, shardMap, registry } = this.#options;
    await this.#announce();
    const shards = [...(await registry.list()).keys()];
    const writers = new Set<string>();
    for (const key of await listKeys(resources.leases, 'writer.>')) writers.add(key.slice('writer.'.length));
    const counts = new Map<string, number>();
    const free: string[] = [];
    for (const shard of shards) {
      const holder = await readLease(resources.leases, shard);
      this.#holders.set(shard, holder?.replica ?? null);
      if (holder) {
        counts.set(holder.replica, (counts.get(holder.replica) ?? 0) + 1);
        this.#freeSince.delete(shard);
      } else if (!this.#held.has(shard)) {
        if (!this.#freeSince.has(shard)) this.#freeSince.set(shard, this.#ticks);
        free.push(shard);
      }
    }
    const share = Math.ceil(shards.length / Math.max(1, writers.size));
    for (const shard of free.sort(() => Math.random() - 0.5)) {
      if (this.#stopped) return;
      const pinned = shardMap.config(shard)?.writers ?? [];
      if (pinned.length > 0 && !pinned.includes(replica)) continue;
      if (pinned.length === 0 && !this.#options.remoteFor(shard)) {
        // Its history would stay on whichever volume wrote it first: only a pinned writer may.
        if (!this.#unwritable.has(shard))
          this.#options.log.error(
            { shard },
            'this shard has no remote and no pinned writer, so no replica writes it: set cluster.remote or list ' +
              'it in shards: with writers:',
          );
        this.#unwritable.add(shard);
        continue;
      }
      if ((this.#notBefore.get(shard)?.at ?? 0) > this.#options.now() || this.#stopping.has(shard)) continue;
      const longFree = this.#ticks - (this.#freeSince.get(shard) ?? this.#ticks) >= 3;
      if (this.#held.size >= share && !longFree) continue;
      await this.#acquire(resources, shard);
    }
    if (free.length === 0) await this.#handOverExcess(writers, counts, shards.length);
  }

  /** Gives one shard back when this replica holds more than its share and a live writer holds less. */
  async #handOverExcess(writers: ReadonlySet<string>, counts: ReadonlyMap<string, number>, total: number) {
    if (writers.size === 0) return;
    const share = Math.ceil(total / writers.size);
    const least = Math.min(...[...writers].map((writer) => counts.get(writer) ?? 0));
    if (this.#held.size <= share || least >= Math.floor(total / writers.size)) return;
    const now = this.#options.now();
    if (now - this.#lastHandover < SETTLE_MS) return;
    const shard = [...this.#held].find(([, held]) => now - held.since >= SETTLE_MS)?.[0];
    if (!shard) return;
    this.#lastHandover = this.#options.now();
    this.#notBefore.set(shard, { at: this.#options.now() + 5 * this.#tickMs, delay: RETRY_MS });
    this.#options.log.info({ shard, held: this.#held.size, share }, 'handing a shard over to balance the writers');
    await this.#release(shard, { handover: true });
  }

  async #acquire(resources: ClusterResources, shard: string): Promise<void> {
    const { replica, log, now } = this.#options;
    const holder: LeaseHolder = { replica, session: this.#session, acquiredAt: now() };
    const lease = await ShardLease.tryAcquire(resources.leases, shard, holder, this.#options.config.writer.leaseTtl);
    if (!lease) return;
    const session = new ShardSession({
      shard,
      epoch: lease.epoch,
      replica,
      resources,
      config: this.#options.config,
      dir: join(this.#options.dir, shard),
      remote: this.#options.remoteFor(shard),
      committer: this.#options.committer,
      ...(this.#options.signing ? { signing: this.#options.signing } : {}),
      ...(this.#options.identities ? { identities: this.#options.identities } : {}),
      ...(this.#options.activity ? { activity: this.#options.activity } : {}),
      checkpoints: this.#options.checkpoints,
      holdsLease: () => lease.lost === null,
      drain: this.#options.drain,
      metrics: this.#options.metrics,
      registry: this.#options.registry,
      log: log.child({ shard }),
      now,
    });
    this.#held.set(shard, { lease, session, since: now() });
    this.#holders.set(shard, replica);
    this.#options.clusterMetrics.leasesAcquired.inc({ shard });
    log.info({ shard, epoch: lease.epoch }, 'shard lease acquired');
    lease.keep((reason) => {
      log.warn({ shard, reason }, 'shard lease lost; writing stopped');
      void this.#release(shard, { handover: false });
    });
    void session.ended.then((reason) => {
      if (reason === 'stopped') return;
      log.error({ shard, reason }, 'shard session ended; giving the lease back');
      this.#backOff(shard);
      void this.#release(shard, { handover: false });
    });
    void session.firstCommit.then((at) =>
      log.info(
        { shard, epoch: lease.epoch, msAfterAcquired: at - holder.acquiredAt },
        'first commit of the shard session',
      ),
    );
    try {
      await session.start();
    } catch (error) {
      log.error({ err: error, shard }, 'cannot restore the shard; giving the lease back');
      this.#backOff(shard);
      await this.#release(shard, { handover: false });
    }
  }

  #backOff(shard: string): void {
    const previous = this.#notBefore.get(shard);
    const delay = previous ? Math.min(MAX_RETRY_MS, previous.delay * 2) : RETRY_MS;
    this.#notBefore.set(shard, { at: this.#options.now() + delay, delay });
  }

  #release(shard: string, options: { handover: boolean }): Promise<void> {
    const held = this.#held.get(shard);
    if (!held) return this.#stopping.get(shard) ?? Promise.resolve();
    this.#held.delete(shard);
    // Until this session has closed its ledger, no new one may open the same repository.
    const stopping = (async () => {
      await held.session.stop(options);
      const error = await held.lease.release();
      if (error) this.#options.log.warn({ err: error, shard }, 'cannot release the shard lease; it expires on its own');
    })().finally(() => {
      if (this.#stopping.get(shard) === stopping) this.#stopping.delete(shard);
    });
    this.#stopping.set(shard, stopping);
    return stopping;
  }

  /** Stops every session, handing its shard over (pushed, lease released). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#presence);
    this.#options.log.info({ shards: [...this.#held.keys()] }, 'writers stopping: waiting for the round in flight');
    await this.#ticking;
    this.#options.log.info('writers stopping: handing the shards over');
    await Promise.all([...this.#held.keys()].map((shard) => this.#release(shard, { handover: true })));
    await Promise.all(this.#stopping.values());
    if (this.#options.link.connected) {
      const resources = await this.#options.link.ready();
      await resources.leases
        .delete(presenceKey(this.#options.replica))
        .catch((error: unknown) => this.#options.log.debug({ err: error }, 'presence not removed; it expires'));
    }
  }
}
