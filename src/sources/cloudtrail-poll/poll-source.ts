// CloudTrail LookupEvents polling of one account and region on a node-cron schedule: from
// the checkpoint (minus the overlap) or `maxAge` to now, in slices oldest first (as long as
// memory allows), each read completely, normalised, submitted, committed and only then
// checkpointed, so neither a restart nor a page that stays throttled loses or repeats events
// (EventIds in the overlap are remembered; the ledger dedupes too).
import { awsCredentials } from '../runtime/aws-credentials.ts';
import { CloudTrailClient, type CloudTrailClientConfig, type Event } from '@aws-sdk/client-cloudtrail';
import type { ChangeRecord } from '../../domain/change.ts';
import type { Redact } from '../../normalise/redact.ts';
import { normaliseExtracted, type CloudTrailNormaliseOptions } from '../../formats/cloudtrail/normalise.ts';
import { extractCloudTrailRecords } from '../../formats/cloudtrail/parse.ts';
import { HealthBoard } from '../runtime/health.ts';
import { joinedRun, type JoinedRun } from '../runtime/joined-run.ts';
import { runScheduled } from '../runtime/schedule.ts';
import type { Source, SourceContext, SourceStatus } from '../source.ts';
import { advanceCheckpoint, checkpointPath, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.ts';
import { LOOKUP_RETENTION_MS, type CloudTrailPollConfig } from './config.ts';
import { eventFilter, type EventVerdict } from './event-filter.ts';
import { lookupWindow, type LookupRetry } from './lookup.ts';
import { RequestPacer } from './request-pacer.ts';

export interface CloudTrailPollDeps {
  readonly redact: Redact;
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Extra SDK client settings (tests: the fake's endpoint and explicit credentials). */
  readonly clientConfig?: Partial<CloudTrailClientConfig>;
  /** Most events held in memory for one slice (default 5000). */
  readonly sliceEventLimit?: number;
  /** Attempts per page and their backoff (default DEFAULT_LOOKUP_RETRY; tests make it short). */
  readonly retry?: LookupRetry;
}

export interface PollTarget {
  readonly region: string;
  /** Only global-service events (IAM, STS, …): the us-east-1 reader added when us-east-1 is not polled itself. */
  readonly globalOnly: boolean;
}

/**
 * A window is read in slices, oldest first, each checkpointed once committed. A slice is held
 * in memory whole, so one that holds more than this many events is abandoned and read again
 * as a quarter as long; a slice with few events lets the next one grow.
 */
const DEFAULT_SLICE_EVENT_LIMIT = 5000;
const MIN_SLICE_MS = 60_000;
/** A window never starts this close to the 90-day edge of the event history. */
const RETENTION_MARGIN_MS = 10 * 60_000;
const BATCH = 500;

export class CloudTrailPollSource implements Source {
  readonly id: string;
  readonly #config: CloudTrailPollConfig;
  readonly #target: PollTarget;
  readonly #deps: CloudTrailPollDeps;
  readonly #health: HealthBoard;
  readonly #keep: (event: Event) => EventVerdict;
  readonly #normalise: CloudTrailNormaliseOptions;
  #now: () => number = Date.now;
  #client: CloudTrailClient | undefined;
  #pacer: RequestPacer | undefined;
  #until: number | undefined;
  #polls: JoinedRun | undefined;

  constructor(config: CloudTrailPollConfig, target: PollTarget, deps: CloudTrailPollDeps) {
    this.id = `cloudtrail/${config.account}/${target.region}${target.globalOnly ? '/global' : ''}`;
    this.#config = config;
    this.#target = target;
    this.#deps = deps;
    this.#health = new HealthBoard(this.id, () => this.#now());
    this.#keep = eventFilter(config, target.globalOnly);
    this.#normalise = { redact: deps.redact, ...(deps.sensitiveKeys ? { sensitiveKeys: deps.sensitiveKeys } : {}) };
  }

  status(): SourceStatus {
    if (this.#until !== undefined) {
      const lag = Math.max(0, this.#now() - this.#until);
      this.#health.setLag(Math.round(lag / 1000), lag > this.#config.maxLag);
    }
    return this.#health.status();
  }

  onStatusChange(listener: (status: SourceStatus) => void): () => void {
    return this.#health.onChange(listener);
  }

  async run(ctx: SourceContext): Promise<void> {
    this.#now = () => ctx.now();
    this.#health.begin('poll');
    this.#client = new CloudTrailClient({
      region: this.#target.region,
      // A request that hangs must fail (and be retried) rather than stall the source.
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
      ...awsCredentials(this.#config, this.#target.region),
      ...(this.#config.endpoint ? { endpoint: this.#config.endpoint } : {}),
      ...this.#deps.clientConfig,
      // One attempt per call: the SDK's retries would not pass through the pacer (lookup.ts retries).
      maxAttempts: 1,
    });
    this.#pacer = new RequestPacer(this.#config.requestsPerSecond);
    const polls = joinedRun(() => this.#pollOnce(ctx), {
      signal: ctx.signal,
      failed: (error) => {
        this.#health.fail('poll', error);
        ctx.log.error(
          { err: error, region: this.#target.region },
          'CloudTrail poll failed; the next scheduled poll retries',
        );
      },
    });
    this.#polls = polls;
    try {
      await runScheduled(this.#config.schedule, () => this.poll(), {
        name: `${this.id} poll`,
        log: ctx.log,
        signal: ctx.signal,
      });
      await polls.idle();
    } finally {
      this.#client.destroy();
      this.#health.stop();
    }
  }

  /** One complete poll (the schedule calls this); a poll already running is joined, not repeated. */
  poll(): Promise<void> {
    return this.#polls?.() ?? Promise.resolve();
  }

  async #pollOnce(ctx: SourceContext): Promise<void> {
    const path = checkpointPath(ctx.stateDir, this.#target.region);
    // A corrupt file fails every poll the same way (and says so) until the operator fixes or removes it.
    let checkpoint = loadCheckpoint(path);
    this.#until = checkpoint?.until;
    const now = ctx.now();
    const floor = now - LOOKUP_RETENTION_MS + RETENTION_MARGIN_MS;
    const start = Math.max(floor, checkpoint ? checkpoint.until - this.#config.overlap : now - this.#config.maxAge);
    const most = this.#deps.sliceEventLimit ?? DEFAULT_SLICE_EVENT_LIMIT;
    let slice = now - start;
    let total = 0;
    for (let from = start; from < now; ) {
      const to = Math.min(now, from + slice);
      const limit = to - from > MIN_SLICE_MS ? most : Number.POSITIVE_INFINITY;
      // Throws when a page cannot be read: the poll fails and the checkpoint stays before this slice.
      const read = await lookupWindow(
        this.#client as CloudTrailClient,
        this.#pacer as RequestPacer,
        { start: from, end: to, readOnly: this.#config.readOnly },
        ctx.signal,
        ctx.log,
        { maxEvents: limit, ...(this.#deps.retry ? { retry: this.#deps.retry } : {}) },
      );
      if (ctx.signal.aborted || (!read.complete && read.reason === 'aborted')) return;
      if (!read.complete) {
        slice = Math.max(MIN_SLICE_MS, Math.floor((to - from) / 4));
        continue;
      }
      const { events } = read;
      total += events.length;
      const seen = await this.#record(ctx, events, checkpoint);
      await ctx.committed();
      checkpoint = advanceCheckpoint(checkpoint, to, this.#config.overlap, seen);
      saveCheckpoint(path, checkpoint);
      this.#until = to;
      from = to;
      if (events.length < most / 4) slice *= 2;
    }
    this.#health.ok('poll');
    ctx.log.info(
      { account: this.#config.account, region: this.#target.region, events: total, until: new Date(now).toISOString() },
      'CloudTrail poll complete',
    );
  }

  /** Normalises and submits a window's events oldest first; returns the EventIds it read. */
  async #record(
    ctx: SourceContext,
    events: readonly Event[],
    checkpoint: Checkpoint | null,
  ): Promise<Map<string, number>> {
    const sorted = [...events].sort(
      (a, b) =>
        (a.EventTime?.getTime() ?? 0) - (b.EventTime?.getTime() ?? 0) ||
        (a.EventId ?? '').localeCompare(b.EventId ?? ''),
    );
    const seen = new Map<string, number>();
    let changes: ChangeRecord[] = [];
    let ignored = 0;
    let rejected = 0;
    const flush = async (): Promise<void> => {
      if (changes.length > 0)
        await ctx.submit({
          source: `cloudtrail/${this.#config.account}/${this.#target.region}`,
          receivedAt: ctx.now(),
          changes,
          facts: [],
          ignored,
          rejected,
        });
      changes = [];
      ignored = 0;
      rejected = 0;
    };
    for (const event of sorted) {
      const id = event.EventId;
      if (!id || seen.has(id) || checkpoint?.seen[id] !== undefined) continue;
      seen.set(id, event.EventTime?.getTime() ?? ctx.now());
      const verdict = this.#keep(event);
      if (!verdict.keep) {
        ignored += 1;
        continue;
      }
      for (const extracted of extractCloudTrailRecords(event)) {
        const result = normaliseExtracted(extracted, this.#normalise);
        if (result.kind === 'changes') changes.push(...result.changes);
        else if (result.kind === 'ignored') ignored += 1;
        else {
          rejected += 1;
          ctx.log.warn({ eventId: id, reason: result.reason }, 'CloudTrail event rejected');
        }
      }
      if (changes.length >= BATCH) await flush();
    }
    await flush();
    return seen;
  }
}
