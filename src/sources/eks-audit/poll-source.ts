// EKS audit log polling of one cluster with CloudWatch Logs FilterLogEvents: from the checkpoint
// minus the overlap (CloudWatch Logs ingests events late) or `maxAge` to now, in slices oldest
// first, each read completely, normalised with the IAM person as author, submitted, committed and
// only then checkpointed. Events of the overlap already recorded are skipped by auditID (a bounded
// set kept in the checkpoint); the ledger's idempotency key (Source, Event-ID = auditID, path)
// makes any repeat a no-op as well, which is what makes several replicas safe: each polls with
// its own checkpoint, and the second copy of a change is a `duplicate` in the shard's writer.
import {
  CloudWatchLogsClient,
  type CloudWatchLogsClientConfig,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { type KubernetesNormaliseOptions, kubernetesOptions } from '../../formats/kubernetes-audit/normalise.ts';
import type { NoiseRules } from '../../normalise/noise.ts';
import type { Redact } from '../../normalise/redact.ts';
import { HealthBoard } from '../runtime/health.ts';
import { joinedRun, type JoinedRun, runEvery } from '../runtime/joined-run.ts';
import { submitInBatches } from '../runtime/submit-batches.ts';
import { TokenBucket } from '../runtime/token-bucket.ts';
import type { Source, SourceContext, SourceStatus } from '../source.ts';
import { AuditSlice } from './audit-slice.ts';
import { advanceCheckpoint, checkpointPath, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.ts';
import { eksTarget, type EksAuditConfig } from './config.ts';
import { filterWindow, type FilterRetry } from './filter-window.ts';

export interface EksAuditPollDeps {
  readonly redact: Redact;
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Noise rules per `<group>/<resource>`, as for the webhook. */
  readonly noiseRules?: (groupResource: string) => NoiseRules;
  /** Extra SDK client settings (tests: the fake's endpoint and explicit credentials). */
  readonly clientConfig?: Partial<CloudWatchLogsClientConfig>;
  /** Attempts per page and their backoff (default DEFAULT_FILTER_RETRY; tests make it short). */
  readonly retry?: FilterRetry;
  /** Longest time span read (and checkpointed) as one slice (default 5 minutes). */
  readonly sliceMs?: number;
}

const DEFAULT_SLICE_MS = 5 * 60_000;
/** Changes held before a slice hands them on (they are sorted by time within each hand-over). */
const FLUSH_AT = 5000;

export class EksAuditPollSource implements Source {
  readonly id: string;
  readonly #config: EksAuditConfig;
  readonly #deps: EksAuditPollDeps;
  readonly #target: { readonly cluster: string; readonly logGroupName: string };
  readonly #health: HealthBoard;
  readonly #normalise: KubernetesNormaliseOptions;
  #now: () => number = Date.now;
  #client: CloudWatchLogsClient | undefined;
  #rate: TokenBucket | undefined;
  #until: number | undefined;
  /** eventIds handled by checkpointed slices, within the overlap (not persisted: a restart re-parses it once). */
  readonly #read = new Map<string, number>();
  #polls: JoinedRun | undefined;

  constructor(config: EksAuditConfig, deps: EksAuditPollDeps) {
    this.#target = eksTarget(config);
    this.id = `eks-audit/${this.#target.cluster}`;
    this.#config = config;
    this.#deps = deps;
    this.#health = new HealthBoard(this.id, () => this.#now());
    this.#normalise = kubernetesOptions(this.#target.cluster, deps);
  }

  status(): SourceStatus {
    return this.#health.pollStatus(this.#now(), this.#until, this.#config.maxLag);
  }

  onStatusChange(listener: (status: SourceStatus) => void): () => void {
    return this.#health.onChange(listener);
  }

  async run(ctx: SourceContext): Promise<void> {
    this.#now = () => ctx.now();
    this.#health.begin('poll');
    this.#client = new CloudWatchLogsClient({
      region: this.#config.region,
      // A request that hangs must fail (and be retried) rather than stall the source.
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
      ...(this.#config.profile ? { profile: this.#config.profile } : {}),
      ...(this.#config.endpoint ? { endpoint: this.#config.endpoint } : {}),
      ...this.#deps.clientConfig,
      // One attempt per call: the SDK's retries would not wait for the request rate (filter-window.ts retries).
      maxAttempts: 1,
    });
    this.#rate = new TokenBucket(this.#config.requestsPerSecond, { burst: Math.ceil(this.#config.requestsPerSecond) });
    const polls = joinedRun(() => this.#pollOnce(ctx), {
      signal: ctx.signal,
      failed: (error) => {
        this.#health.fail('poll', error);
        ctx.log.error({ err: error, cluster: this.#target.cluster }, 'EKS audit poll failed; the next poll retries');
      },
    });
    this.#polls = polls;
    try {
      await runEvery(polls, this.#config.pollInterval, ctx.signal);
    } finally {
      this.#client.destroy();
      this.#health.stop();
    }
  }

  /** One complete poll (the loop calls this); a poll already running is joined, not repeated. */
  poll(): Promise<void> {
    return this.#polls?.() ?? Promise.resolve();
  }

  async #pollOnce(ctx: SourceContext): Promise<void> {
    const path = checkpointPath(ctx.stateDir);
    // A corrupt file fails every poll the same way (and says so) until the operator fixes or removes it.
    let checkpoint = loadCheckpoint(path);
    this.#until = checkpoint?.until;
    const now = ctx.now();
    const start = checkpoint ? Math.max(0, checkpoint.until - this.#config.overlap) : now - this.#config.maxAge;
    const sliceMs = this.#deps.sliceMs ?? DEFAULT_SLICE_MS;
    let read = 0;
    for (let from = start; from < now; ) {
      const to = Math.min(now, from + sliceMs);
      const slice = new AuditSlice(this.#normalise, checkpoint?.seen, this.#read);
      const onPage = async (events: readonly FilteredLogEvent[]): Promise<void> => {
        read += events.length;
        slice.add(events);
        if (slice.pendingChanges >= FLUSH_AT) await submitInBatches(ctx, this.id, slice.take());
      };
      const filter = this.#config.filterPattern ? { filterPattern: this.#config.filterPattern } : {};
      const window = { logGroupName: this.#target.logGroupName, start: from, end: to, ...filter };
      const options = { signal: ctx.signal, log: ctx.log, ...(this.#deps.retry ? { retry: this.#deps.retry } : {}) };
      // Throws when a page cannot be read: the poll fails and the checkpoint stays before this slice.
      const complete = await filterWindow(
        this.#client as CloudWatchLogsClient,
        this.#rate as TokenBucket,
        window,
        onPage,
        options,
      );
      if (!complete || ctx.signal.aborted) return;
      await submitInBatches(ctx, this.id, slice.take());
      await ctx.committed();
      checkpoint = this.#advance(ctx, checkpoint, to, slice);
      from = to;
    }
    this.#health.ok('poll');
    ctx.log.info(
      { cluster: this.#target.cluster, logEvents: read, until: new Date(now).toISOString() },
      'EKS audit poll complete',
    );
  }

  /** Persists the slice's end and what it recorded; reports its refused log events. */
  #advance(ctx: SourceContext, previous: Checkpoint | null, until: number, slice: AuditSlice): Checkpoint {
    const path = checkpointPath(ctx.stateDir);
    const checkpoint = advanceCheckpoint(previous, until, this.#config.overlap, slice.seen);
    saveCheckpoint(path, checkpoint);
    this.#until = until;
    for (const [id, time] of slice.read) this.#read.set(id, time);
    for (const [id, time] of this.#read) if (time < until - this.#config.overlap) this.#read.delete(id);
    for (const reason of slice.refusals) ctx.log.warn({ reason }, 'EKS audit log event refused and skipped');
    // Shown as the source's last error while the source stays up: the event is skipped for good.
    this.#health.refused('refused log event', slice.refusals);
    return checkpoint;
  }
}
