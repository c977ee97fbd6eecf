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
import { type ClusterAuditDeps, ClusterAuditPoller } from '../runtime/cluster-poller.ts';
import { submitInBatches } from '../runtime/submit-batches.ts';
import { TokenBucket } from '../runtime/token-bucket.ts';
import type { Source, SourceContext } from '../source.ts';
import { AuditSlice } from './audit-slice.ts';
import { advanceCheckpoint, type Checkpoint, checkpointFile } from './checkpoint.ts';
import { eksTarget, type EksAuditConfig } from './config.ts';
import { filterWindow, type FilterRetry } from './filter-window.ts';

export interface EksAuditPollDeps extends ClusterAuditDeps {
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
/** How the source and its log lines are named, what it refuses, and its checkpoint. */
const EKS = {
  kind: 'eks-audit',
  name: 'EKS audit',
  item: 'log event',
  retry: 'the next poll retries',
  checkpoint: checkpointFile,
} as const;

export class EksAuditPollSource extends ClusterAuditPoller<Checkpoint> implements Source {
  readonly #config: EksAuditConfig;
  readonly #deps: EksAuditPollDeps;
  readonly #logGroupName: string;
  #client: CloudWatchLogsClient | undefined;
  #rate: TokenBucket | undefined;
  /** eventIds handled by checkpointed slices, within the overlap (not persisted: a restart re-parses it once). */
  readonly #read = new Map<string, number>();

  constructor(config: EksAuditConfig, deps: EksAuditPollDeps) {
    const { cluster, logGroupName } = eksTarget(config);
    super({ ...EKS, cluster, config }, deps);
    this.#logGroupName = logGroupName;
    this.#config = config;
    this.#deps = deps;
  }

  protected override open(): void {
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
  }

  protected override close(): void {
    this.#client?.destroy();
  }

  protected async pollOnce(ctx: SourceContext): Promise<void> {
    let checkpoint = this.loadCheckpoint(ctx);
    this.readUntil(checkpoint?.until);
    const now = ctx.now();
    const start = checkpoint ? Math.max(0, checkpoint.until - this.#config.overlap) : now - this.#config.maxAge;
    const sliceMs = this.#deps.sliceMs ?? DEFAULT_SLICE_MS;
    let read = 0;
    for (let from = start; from < now; ) {
      const to = Math.min(now, from + sliceMs);
      const slice = new AuditSlice(this.normalise, checkpoint?.seen, this.#read);
      const onPage = async (events: readonly FilteredLogEvent[]): Promise<void> => {
        read += events.length;
        slice.add(events);
        if (slice.pendingChanges >= FLUSH_AT) await submitInBatches(ctx, this.id, slice.take());
      };
      const filter = this.#config.filterPattern ? { filterPattern: this.#config.filterPattern } : {};
      const window = { logGroupName: this.#logGroupName, start: from, end: to, ...filter };
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
      checkpoint = advanceCheckpoint(checkpoint, to, this.#config.overlap, slice.seen);
      await this.commitRound(ctx, slice.take(), checkpoint, slice.refusals);
      this.readUntil(to);
      for (const [id, time] of slice.read) this.#read.set(id, time);
      for (const [id, time] of this.#read) if (time < to - this.#config.overlap) this.#read.delete(id);
      from = to;
    }
    this.completed(ctx, { logEvents: read, until: new Date(now).toISOString() });
  }
}
