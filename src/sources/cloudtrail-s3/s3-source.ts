// CloudTrail log files of one account and region read from the trail's S3 bucket on a
// node-cron schedule: files listed in key (= delivery) order from the checkpoint minus the
// overlap, read in batches (gzip detected by its magic bytes), their records normalised
// oldest first and submitted; the checkpoint moves only once the batch is committed.
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { z } from 'zod';
import type { ChangeRecord } from '../../domain/change.ts';
import type { Redact } from '../../normalise/redact.ts';
import { normaliseExtracted, type CloudTrailNormaliseOptions } from '../cloudtrail/normalise.ts';
import { parseCloudTrailText } from '../cloudtrail/parse.ts';
import { HealthBoard } from '../runtime/health.ts';
import { joinedRun, type JoinedRun } from '../runtime/joined-run.ts';
import { loadJsonState, saveJsonState } from '../runtime/json-state.ts';
import { runScheduled } from '../runtime/schedule.ts';
import { pruneSeen } from '../runtime/seen.ts';
import type { Source, SourceContext, SourceStatus } from '../source.ts';
import type { CloudTrailS3Config } from './config.ts';
import { deliveryTime, regionFolder, startAfterFor, type Trail } from './layout.ts';

export interface CloudTrailS3Deps {
  readonly redact: Redact;
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Extra SDK client settings (tests: the fake's endpoint and explicit credentials). */
  readonly clientConfig?: Partial<S3ClientConfig>;
}

const Checkpoint = z.object({
  version: z.literal(1),
  /** Delivery time (epoch ms) of the newest file read. */
  newest: z.number().int().nonnegative(),
  /** Keys read that were delivered at or after `newest - overlap`. */
  seen: z.record(z.string(), z.number()),
});
type Checkpoint = z.infer<typeof Checkpoint>;

interface LogFile {
  readonly key: string;
  readonly delivered: number;
}

const FILES_PER_BATCH = 20;
const CHANGES_PER_SUBMIT = 500;

const isGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

export class CloudTrailS3Source implements Source {
  readonly id: string;
  readonly #config: CloudTrailS3Config;
  readonly #trail: Trail;
  readonly #deps: CloudTrailS3Deps;
  readonly #health: HealthBoard;
  readonly #normalise: CloudTrailNormaliseOptions;
  #now: () => number = Date.now;
  #client: S3Client | undefined;
  #newest: number | undefined;
  #reads: JoinedRun | undefined;

  constructor(config: CloudTrailS3Config, target: { account: string; region: string }, deps: CloudTrailS3Deps) {
    this.id = `cloudtrail-s3/${config.bucket}/${target.account}/${target.region}`;
    this.#config = config;
    this.#trail = { prefix: config.prefix, organizationId: config.organizationId, ...target };
    this.#deps = deps;
    this.#health = new HealthBoard(this.id, () => this.#now());
    this.#normalise = { redact: deps.redact, ...(deps.sensitiveKeys ? { sensitiveKeys: deps.sensitiveKeys } : {}) };
  }

  status(): SourceStatus {
    if (this.#newest !== undefined) {
      const lag = Math.max(0, this.#now() - this.#newest);
      this.#health.setLag(Math.round(lag / 1000), lag > this.#config.maxLag);
    }
    return this.#health.status();
  }

  onStatusChange(listener: (status: SourceStatus) => void): () => void {
    return this.#health.onChange(listener);
  }

  async run(ctx: SourceContext): Promise<void> {
    this.#now = () => ctx.now();
    this.#health.begin('read');
    this.#client = new S3Client({
      region: this.#config.bucketRegion,
      // A request that hangs must fail (and be retried) rather than stall the source.
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
      forcePathStyle: this.#config.forcePathStyle,
      ...(this.#config.profile ? { profile: this.#config.profile } : {}),
      ...(this.#config.endpoint ? { endpoint: this.#config.endpoint } : {}),
      ...this.#deps.clientConfig,
    });
    const reads = joinedRun(() => this.#readOnce(ctx), {
      signal: ctx.signal,
      failed: (error) => {
        this.#health.fail('read', error);
        ctx.log.error(
          { err: error, bucket: this.#config.bucket },
          'reading CloudTrail log files failed; the next scheduled read retries',
        );
      },
    });
    this.#reads = reads;
    try {
      await runScheduled(this.#config.schedule, () => this.read(), {
        name: `${this.id} read`,
        log: ctx.log,
        signal: ctx.signal,
      });
      await reads.idle();
    } finally {
      this.#client.destroy();
      this.#health.stop();
    }
  }

  /** Reads every file delivered since the checkpoint (the schedule calls this); a read in progress is joined. */
  read(): Promise<void> {
    return this.#reads?.() ?? Promise.resolve();
  }

  async #readOnce(ctx: SourceContext): Promise<void> {
    const path = join(ctx.stateDir, 'checkpoint.json');
    let checkpoint = loadJsonState(path, Checkpoint, 'CloudTrail S3 checkpoint');
    this.#newest = checkpoint?.newest;
    const from = checkpoint ? checkpoint.newest - this.#config.overlap : ctx.now() - this.#config.maxAge;
    const client = this.#client as S3Client;
    let token: string | undefined;
    let batch: LogFile[] = [];
    let files = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: this.#config.bucket,
          Prefix: regionFolder(this.#trail),
          ...(token ? { ContinuationToken: token } : { StartAfter: startAfterFor(this.#trail, from) }),
        }),
        { abortSignal: ctx.signal },
      );
      for (const object of page.Contents ?? []) {
        const delivered = object.Key ? deliveryTime(object.Key) : null;
        if (!object.Key || delivered === null || delivered < from || checkpoint?.seen[object.Key] !== undefined)
          continue;
        batch.push({ key: object.Key, delivered });
        if (batch.length >= FILES_PER_BATCH) {
          checkpoint = await this.#readBatch(ctx, batch, checkpoint, path);
          files += batch.length;
          batch = [];
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && !ctx.signal.aborted);
    if (batch.length > 0) {
      checkpoint = await this.#readBatch(ctx, batch, checkpoint, path);
      files += batch.length;
    }
    this.#health.ok('read');
    ctx.log.info(
      { bucket: this.#config.bucket, account: this.#trail.account, region: this.#trail.region, files },
      'CloudTrail log files read',
    );
  }

  /** Reads, normalises and submits the records of some files; returns the checkpoint saved after the commit. */
  async #readBatch(
    ctx: SourceContext,
    batch: readonly LogFile[],
    previous: Checkpoint | null,
    path: string,
  ): Promise<Checkpoint | null> {
    const changes: ChangeRecord[] = [];
    let ignored = 0;
    let rejected = 0;
    for (const file of batch) {
      const object = await (this.#client as S3Client).send(
        new GetObjectCommand({ Bucket: this.#config.bucket, Key: file.key }),
        { abortSignal: ctx.signal },
      );
      const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      const text = Buffer.from(isGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8');
      for (const extracted of parseCloudTrailText(text)) {
        const result = normaliseExtracted(extracted, this.#normalise);
        if (result.kind === 'changes') changes.push(...result.changes);
        else if (result.kind === 'ignored') ignored += 1;
        else {
          rejected += 1;
          ctx.log.warn({ key: file.key, reason: result.reason }, 'CloudTrail record rejected');
        }
      }
    }
    if (ctx.signal.aborted) return previous;
    // A file's records come in no particular order: oldest first keeps later states last.
    changes.sort((a, b) => a.time - b.time);
    for (let at = 0; at < changes.length; at += CHANGES_PER_SUBMIT) {
      const counts = at === 0 ? { ignored, rejected } : { ignored: 0, rejected: 0 };
      await ctx.submit({
        source: `cloudtrail-s3/${this.#config.bucket}`,
        receivedAt: ctx.now(),
        changes: changes.slice(at, at + CHANGES_PER_SUBMIT),
        facts: [],
        ...counts,
      });
    }
    await ctx.committed();
    const newest = Math.max(previous?.newest ?? 0, ...batch.map((file) => file.delivered));
    const seen = pruneSeen(
      previous?.seen,
      batch.map((file) => [file.key, file.delivered] as const),
      newest - this.#config.overlap,
    );
    const next: Checkpoint = { version: 1, newest, seen };
    saveJsonState(path, next);
    this.#newest = newest;
    return next;
  }
}
