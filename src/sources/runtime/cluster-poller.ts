// The skeleton every poller of one managed cluster's audit log shares (EKS from CloudWatch Logs,
// AKS from its storage export): an id `<kind>/<cluster>`, the health of one part `poll`, a poll
// now and `pollInterval` after each one ends (a poll asked for while one runs joins it), the lag
// behind the last complete poll, a failed poll logged and retried by the next one, and rounds
// that are submitted, committed and only then checkpointed durably, their refused records logged
// and shown in the status. A subclass says how its cloud is read: the poll itself, the cursor
// kept in its checkpoint, the client it opens and closes, how a failure is explained.
import { join } from 'node:path';
import type { z } from 'zod';
import { type KubernetesNormaliseOptions, kubernetesOptions } from '../../formats/kubernetes-audit/normalise.ts';
import type { NoiseRules } from '../../normalise/noise.ts';
import type { Redact } from '../../normalise/redact.ts';
import type { SourceContext, SourceStatus } from '../source.ts';
import { HealthBoard } from './health.ts';
import { joinedRun, type JoinedRun, runEvery } from './joined-run.ts';
import { loadJsonState, saveJsonState } from './json-state.ts';
import { type Normalised, submitInBatches } from './submit-batches.ts';

/** What every cluster audit poller takes: the normaliser's redaction, sensitive keys and noise rules. */
export interface ClusterAuditDeps {
  readonly redact: Redact;
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Noise rules per `<group>/<resource>`, as for the webhook. */
  readonly noiseRules?: (groupResource: string) => NoiseRules;
}

/** A poller's checkpoint file, `<stateDir>/checkpoint.json`, read against its schema. */
export interface CheckpointStore<C> {
  /** The checkpoint, or null before the first complete round; a corrupt file is an error naming it. */
  load(path: string): C | null;
  /** Written durably (temp file, fsync, rename). */
  save(path: string, checkpoint: C): void;
}

export function checkpointPath(stateDir: string): string {
  return join(stateDir, 'checkpoint.json');
}

/** `what` names the file in errors: `EKS audit checkpoint`. */
export function checkpointStore<C>(schema: z.ZodType<C>, what: string): CheckpointStore<C> {
  return {
    load: (path) => loadJsonState(path, schema, what),
    save: (path, checkpoint) => saveJsonState(path, checkpoint),
  };
}

/** A failed poll's error as the status shows it, and what its log line gives as `err`. */
export interface PollFailure {
  readonly error: unknown;
  readonly logged: unknown;
}

export interface ClusterPollerSetup<C> {
  /** `eks-audit`: the source id is `<kind>/<cluster>`. */
  readonly kind: string;
  readonly cluster: string;
  /** How log lines name the source: `EKS audit` (`EKS audit poll complete`). */
  readonly name: string;
  /** What one refused input is called: `log event` (`refused log event`, `EKS audit log event refused …`). */
  readonly item: string;
  /** What the log line of a failed poll says after `<name> poll failed; `. */
  readonly retry: string;
  readonly config: { readonly pollInterval: number; readonly maxLag: number };
  readonly checkpoint: CheckpointStore<C>;
}

/** What a cluster audit source is made of; each cloud's subclass is the Source (and says so). */
export abstract class ClusterAuditPoller<C> {
  readonly id: string;
  protected readonly cluster: string;
  /** The shared Kubernetes audit normaliser's options (redaction, noise rules) for this cluster. */
  protected readonly normalise: KubernetesNormaliseOptions;
  readonly #setup: ClusterPollerSetup<C>;
  readonly #health: HealthBoard;
  #now: () => number = Date.now;
  /** Everything written before this has been read (the lag is measured from it). */
  #until: number | undefined;
  #polls: JoinedRun | undefined;

  protected constructor(setup: ClusterPollerSetup<C>, deps: ClusterAuditDeps) {
    this.id = `${setup.kind}/${setup.cluster}`;
    this.cluster = setup.cluster;
    this.#setup = setup;
    this.#health = new HealthBoard(this.id, () => this.#now());
    this.normalise = kubernetesOptions(setup.cluster, deps);
  }

  status(): SourceStatus {
    return this.#health.pollStatus(this.#now(), this.#until, this.#setup.config.maxLag);
  }

  onStatusChange(listener: (status: SourceStatus) => void): () => void {
    return this.#health.onChange(listener);
  }

  async run(ctx: SourceContext): Promise<void> {
    this.#now = () => ctx.now();
    this.#health.begin('poll');
    this.open();
    const polls = joinedRun(() => this.pollOnce(ctx), {
      signal: ctx.signal,
      failed: (error) => {
        const { error: shown, logged } = this.explain(error, ctx);
        this.#health.fail('poll', shown);
        ctx.log.error({ err: logged, cluster: this.cluster }, `${this.#setup.name} poll failed; ${this.#setup.retry}`);
      },
    });
    this.#polls = polls;
    try {
      await runEvery(polls, this.#setup.config.pollInterval, ctx.signal);
    } finally {
      this.close();
      this.#health.stop();
    }
  }

  /** One complete poll (the loop calls this); a poll already running is joined, not repeated. */
  poll(): Promise<void> {
    return this.#polls?.() ?? Promise.resolve();
  }

  /** Reads what is new, in rounds each passed to `commitRound`; throws when the poll fails. */
  protected abstract pollOnce(ctx: SourceContext): Promise<void>;

  /** Opens the cloud's client when the source starts. */
  protected open(): void {}

  /** Closes it when the source stops. */
  protected close(): void {}

  /** How a failed poll is shown and logged (default: the error itself). */
  protected explain(error: unknown, _ctx: SourceContext): PollFailure {
    return { error, logged: error };
  }

  /** Sets where the lag is measured from. */
  protected readUntil(until: number | undefined): void {
    this.#until = until;
  }

  /** The checkpoint of the last committed round; a corrupt file fails every poll the same way, saying so. */
  protected loadCheckpoint(ctx: SourceContext): C | null {
    return this.#setup.checkpoint.load(checkpointPath(ctx.stateDir));
  }

  /**
   * Submits a round's rest, waits for its commits and only then saves its checkpoint durably; then
   * logs its refused records, shown as the source's last error while it stays up (skipped for good).
   */
  protected async commitRound(
    ctx: SourceContext,
    rest: Normalised,
    checkpoint: C,
    refusals: readonly string[],
  ): Promise<void> {
    await submitInBatches(ctx, this.id, rest);
    await ctx.committed();
    this.#setup.checkpoint.save(checkpointPath(ctx.stateDir), checkpoint);
    const { name, item } = this.#setup;
    for (const reason of refusals) ctx.log.warn({ reason }, `${name} ${item} refused and skipped`);
    this.#health.refused(`refused ${item}`, refusals);
  }

  /** A poll that read everything: the source is up, and says what it read. */
  protected completed(ctx: SourceContext, read: Record<string, unknown>): void {
    this.#health.ok('poll');
    ctx.log.info({ cluster: this.cluster, ...read }, `${this.#setup.name} poll complete`);
  }
}
