// The live Kubernetes source of one cluster: discovery, one reflector (list + watch) per
// collection, a node-cron resync that re-discovers and re-lists (finding deletions), and a
// delay queue that holds what was seen for `attributionDelay` before it is attributed,
// normalised and submitted in batches.
import type { KubeConfig } from '@kubernetes/client-node';
import type { NoiseRules } from '../../normalise/noise.ts';
import type { Redact } from '../../normalise/redact.ts';
import { Backoff, sleep, type BackoffOptions } from '../runtime/backoff.ts';
import { HealthBoard } from '../runtime/health.ts';
import { startSchedule } from '../runtime/schedule.ts';
import type { Source, SourceContext, SourceStatus } from '../source.ts';
import { KubeApi } from './api-client.ts';
import { planCollections, type PlannedCollection } from './collections.ts';
import type { KubernetesWatchConfig } from './config.ts';
import { FactLookup } from './correlation.ts';
import { DelayQueue } from './delay-queue.ts';
import { discoverResources } from './discovery.ts';
import { SOURCE } from './kube-events.ts';
import { loadKubeConfig } from './kube-config.ts';
import type { ObserveOptions } from './observe.ts';
import { RecordedState } from './recorded-state.ts';
import { collectionName, Reflector } from './reflector.ts';
import { namespacePlan } from './resource-filter.ts';
import { queueEvent, queueListed, type SightingQueue } from './sighting-queue.ts';
import { drainSightings } from './sighting-drain.ts';
import { SightingRecorder, type Sighting, type SightingRules } from './sightings.ts';

export interface KubernetesWatchDeps {
  readonly redact: Redact;
  readonly sensitiveKeys?: ReadonlySet<string>;
  readonly noiseRules?: (groupResource: string) => NoiseRules;
  /** A ready KubeConfig (tests); default: loaded from the configuration. */
  readonly kubeConfig?: KubeConfig;
  readonly backoff?: BackoffOptions;
}

interface Running {
  readonly reflector: Reflector;
  readonly stop: AbortController;
  readonly done: Promise<void>;
  listed: boolean;
  watching: boolean;
}

const LAGGING_AFTER_MS = 60_000;

export class KubernetesWatchSource implements Source {
  readonly id: string;
  readonly #config: KubernetesWatchConfig;
  readonly #deps: KubernetesWatchDeps;
  readonly #health: HealthBoard;
  readonly #running = new Map<string, Running>();
  /** Reflectors of resources no longer served, stopping. */
  readonly #retired: Array<Promise<void>> = [];
  readonly #rules: SightingRules;
  readonly #includesNamespace: (namespace: string) => boolean;
  readonly #waiters = new Set<() => void>();
  #now: () => number = Date.now;
  #ctx: SourceContext | undefined;
  #api: KubeApi | undefined;
  #queue: DelayQueue<Sighting> | undefined;
  #recorded: RecordedState | undefined;
  #factLookup: FactLookup | undefined;

  constructor(config: KubernetesWatchConfig, deps: KubernetesWatchDeps) {
    this.id = `kubernetes/${config.name}`;
    this.#config = config;
    this.#deps = deps;
    this.#health = new HealthBoard(this.id, () => this.#now());
    this.#includesNamespace = namespacePlan(config.namespaces).includes;
    this.#rules = {
      cluster: config.name,
      includesNamespace: this.#includesNamespace,
      eventRules: {
        excludedReasons: new Set(config.events.exclusions.reasons),
        errorKeywords: config.events.severityKeywords.error,
        warnKeywords: config.events.severityKeywords.warn,
      },
    };
  }

  status(): SourceStatus {
    if (this.#queue) {
      const overdue = this.#queue.overdueMs();
      this.#health.setLag(Math.round(overdue / 1000), overdue > LAGGING_AFTER_MS);
    }
    return this.#health.status();
  }

  /** Calls `listener` after every change of state or error; returns the unsubscribe function. */
  onStatusChange(listener: (status: SourceStatus) => void): () => void {
    return this.#health.onChange(listener);
  }

  /** Resolves once every collection has listed since the last resync and watches, and nothing waits in the queue. */
  async settled(): Promise<void> {
    const isSettled = (): boolean =>
      this.#running.size > 0 &&
      [...this.#running.values()].every((r) => r.listed && r.watching) &&
      (this.#queue?.size ?? 0) === 0;
    while (!isSettled()) await new Promise<void>((resolve) => this.#waiters.add(resolve));
  }

  #changed(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  async run(ctx: SourceContext): Promise<void> {
    this.#ctx = ctx;
    this.#now = () => ctx.now();
    const { signal, log } = ctx;
    this.#queue = new DelayQueue<Sighting>(this.#config.attributionDelay, this.#now);
    const backoff = new Backoff(this.#deps.backoff);
    while (!signal.aborted && !(await this.#start(ctx))) await sleep(backoff.next(), signal);
    if (!signal.aborted) {
      const schedule = startSchedule(this.#config.resync, () => this.resync(), {
        name: `${this.id} resync`,
        log,
        signal,
      });
      await drainSightings(ctx, {
        source: `${SOURCE}/${this.#config.name}`,
        queue: this.#queue,
        recorder: new SightingRecorder(this.#rules, this.#observeOptions(ctx), log),
        health: this.#health,
        now: () => this.#now(),
        ...(this.#deps.backoff ? { backoff: this.#deps.backoff } : {}),
        acknowledged: () => this.#changed(),
      });
      await schedule.idle();
    }
    await Promise.all([...this.#running.values()].map((running) => running.done).concat(this.#retired));
    this.#health.stop();
    this.#changed();
  }

  /** Loads the kubeconfig and discovers; false (reported) when either failed. */
  async #start(ctx: SourceContext): Promise<boolean> {
    try {
      this.#api ??= new KubeApi(this.#deps.kubeConfig ?? loadKubeConfig(this.#config));
      this.#health.ok('kubeconfig');
    } catch (error) {
      this.#health.fail('kubeconfig', error);
      ctx.log.error({ err: error, cluster: this.#config.name }, 'cannot build the Kubernetes client');
      return false;
    }
    return this.#discover(ctx);
  }

  /** Discovers resources and starts or stops reflectors to match; false when discovery failed. */
  async #discover(ctx: SourceContext): Promise<boolean> {
    let planned: PlannedCollection[];
    try {
      const result = await discoverResources(this.#api as KubeApi, ctx.signal);
      for (const { groupVersion, error } of result.failed)
        ctx.log.warn(
          { groupVersion, err: error },
          'API group discovery failed; its resources are skipped until the next resync',
        );
      planned = planCollections(result.types, this.#config);
      this.#health.ok('discovery');
    } catch (error) {
      if (ctx.signal.aborted) return false;
      this.#health.fail('discovery', error);
      ctx.log.warn({ err: error }, 'API discovery failed');
      return false;
    }
    const keys = new Set(planned.map((collection) => collection.key));
    for (const [key, running] of this.#running) {
      if (keys.has(key)) continue;
      running.stop.abort();
      this.#retired.push(running.done);
      this.#running.delete(key);
      this.#health.remove(collectionName(running.reflector.collection));
      ctx.log.info(
        { collection: collectionName(running.reflector.collection) },
        'resource no longer served; watch stopped',
      );
    }
    for (const collection of planned) if (!this.#running.has(collection.key)) this.#startReflector(ctx, collection);
    return true;
  }

  #startReflector(ctx: SourceContext, collection: PlannedCollection): void {
    const name = collectionName(collection);
    const stop = new AbortController();
    const queue = this.#queue as DelayQueue<Sighting>;
    this.#health.begin(name);
    const target: SightingQueue = {
      cluster: this.#config.name,
      queue,
      now: () => this.#now(),
      includesNamespace: this.#includesNamespace,
      recordedUpTo: () => this.#state(ctx).lastSeq(),
    };
    let running: Running;
    const reflector = new Reflector(
      this.#api as KubeApi,
      collection,
      {
        listed: (items, version) => {
          queueListed(target, collection, items, version);
          running.listed = true;
          this.#changed();
        },
        event: (type, object) => queueEvent(target, collection, type, object),
        healthy: () => this.#health.ok(name),
        watching: () => {
          running.watching = true;
          const all = [...this.#running.values()];
          if (all.every((r) => r.listed && r.watching))
            ctx.log.info(
              { cluster: this.#config.name, collections: all.length },
              'every collection listed and watched',
            );
          this.#changed();
        },
        failed: (error) => {
          running.watching = false;
          this.#health.fail(name, error);
        },
      },
      {
        pageSize: this.#config.listPageSize,
        log: ctx.log,
        now: this.#now,
        ...(this.#deps.backoff ? { backoff: this.#deps.backoff } : {}),
      },
    );
    const signal = AbortSignal.any([ctx.signal, stop.signal]);
    running = { reflector, stop, done: reflector.run(signal), listed: false, watching: false };
    this.#running.set(collection.key, running);
  }

  /** Re-discovers resources and lists every collection again (the node-cron schedule calls this). */
  async resync(): Promise<void> {
    const ctx = this.#ctx;
    if (!ctx || ctx.signal.aborted || !this.#api) return;
    ctx.log.info({ cluster: this.#config.name }, 'resync started');
    await this.#discover(ctx);
    for (const running of this.#running.values()) {
      running.listed = false;
      running.watching = false;
      running.reflector.requestResync();
    }
    this.#changed();
  }

  #facts(ctx: SourceContext): FactLookup {
    this.#factLookup ??= new FactLookup(ctx.index.db);
    return this.#factLookup;
  }

  #state(ctx: SourceContext): RecordedState {
    this.#recorded ??= new RecordedState(ctx.index);
    return this.#recorded;
  }

  #observeOptions(ctx: SourceContext): ObserveOptions {
    return {
      cluster: this.#config.name,
      redact: this.#deps.redact,
      attributionWindowMs: this.#config.attributionWindow,
      index: ctx.index,
      facts: this.#facts(ctx),
      state: this.#state(ctx),
      ...(this.#deps.sensitiveKeys ? { sensitiveKeys: this.#deps.sensitiveKeys } : {}),
      ...(this.#deps.noiseRules ? { noiseRules: this.#deps.noiseRules } : {}),
    };
  }
}
