// CloudTrail log files of one account and region read from the trail's S3 bucket on a node-cron schedule:
// files listed in key (= delivery) order from the checkpoint minus the overlap, read in batches (gzip by its
// magic bytes, gunzipped up to maxInflatedBytes), records normalised oldest first and submitted; the checkpoint
// moves only once the batch is committed. With digest files, each file is checked first (trail-digests.ts).
import { awsCredentials } from '../runtime/aws-credentials.ts';
import { GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import { join } from 'node:path';
import { z } from 'zod';
import type { ChangeRecord } from '../../domain/change.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { gunzipCapped } from '../../domain/gunzip.ts';
import type { Redact } from '../../normalise/redact.ts';
import { normaliseExtracted, type CloudTrailNormaliseOptions } from '../../formats/cloudtrail/normalise.ts';
import { parseCloudTrailText } from '../../formats/cloudtrail/parse.ts';
import { HealthBoard } from '../runtime/health.ts';
import { joinedRun, type JoinedRun } from '../runtime/joined-run.ts';
import { loadJsonState, saveJsonState } from '../runtime/json-state.ts';
import { runScheduled } from '../runtime/schedule.ts';
import { pruneSeen } from '../runtime/seen.ts';
import { withLogFileDigest } from '../../formats/cloudtrail/digests/log-file-status.ts';
import type { LogFileDigest } from '../../formats/cloudtrail/digests/verify-digests.ts';
import type { Source, SourceContext, SourceStatus } from '../source.ts';
import type { CloudTrailS3Config } from './config.ts';
import { deliveryTime, regionFolder, startAfterFor, type Trail } from './layout.ts';
import type { TrailDigests } from './trail-digests.ts';
import { setUpTrailDigests } from './trail-digests-setup.ts';

export interface CloudTrailS3Deps {
  readonly redact: Redact;
  readonly sensitiveKeys?: ReadonlySet<string>;
  /** Extra SDK client settings (tests: the fake's endpoint and explicit credentials). */
  readonly clientConfig?: Partial<S3ClientConfig>;
  /** Extra settings of the CloudTrail client that calls ListPublicKeys (tests: explicit credentials). */
  readonly cloudtrailClientConfig?: Partial<CloudTrailClientConfig>;
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
  #digests: TrailDigests | undefined;
  readonly #logFiles: Record<LogFileDigest, number> = { verified: 0, unverified: 0, invalid: 0 };

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
      // Files wait for their digest by design: that wait is not lag.
      const waiting = this.#digests?.isValidated ? this.#config.digests.waitFor : 0;
      const lag = Math.max(0, this.#now() - this.#newest - waiting);
      this.#health.setLag(Math.round(lag / 1000), lag > this.#config.maxLag);
    }
    const status = this.#health.status();
    return this.#digests?.isValidated ? { ...status, logFiles: { ...this.#logFiles } } : status;
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
      ...awsCredentials(this.#config, this.#config.bucketRegion),
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
    this.#digests = this.#config.digests.verify
      ? setUpTrailDigests(ctx, this.#config, this.#trail, this.#deps.cloudtrailClientConfig)
      : undefined;
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

  /** Reports an invalid digest, a gap in the chain or an invalid log file: failing, and logged. */
  #integrityProblem(ctx: SourceContext, location: string, reason: string): void {
    this.#health.fail('integrity', new Error(`${location}: ${reason}`));
    ctx.log.error({ bucket: this.#config.bucket, location, reason }, 'CloudTrail log file integrity check failed');
  }

  /** The log file's text bytes; null (a problem named in the status and the log) when it cannot be gunzipped. */
  #inflate(ctx: SourceContext, key: string, bytes: Uint8Array): Buffer | null {
    const cap = { maxBytes: this.#config.maxInflatedBytes, setting: 'cloudtrailS3[].maxInflatedBytes' };
    try {
      return gunzipCapped(bytes, cap, `s3://${this.#config.bucket}/${key}`);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      this.#health.fail('files', error.message);
      ctx.log.error({ bucket: this.#config.bucket, key, reason: error.message }, 'CloudTrail log file not read');
      return null;
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
    const digests = this.#digests;
    for (const problem of (await digests?.refresh(client, from, ctx.signal)) ?? [])
      this.#integrityProblem(ctx, problem.location, problem.reason);
    let waiting = false;
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
        if (digests?.decide(object.Key, delivered, ctx.now()) === 'wait') {
          waiting = true; // this file and every later one wait for the digest that lists them
          break;
        }
        batch.push({ key: object.Key, delivered });
        if (batch.length >= FILES_PER_BATCH) {
          checkpoint = await this.#readBatch(ctx, batch, checkpoint, path);
          files += batch.length;
          batch = [];
        }
      }
      token = page.IsTruncated && !waiting ? page.NextContinuationToken : undefined;
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
      const content = this.#inflate(ctx, file.key, bytes);
      if (content === null) continue;
      const check = this.#digests?.check(file.key, content);
      if (check) this.#logFiles[check.status] += 1;
      if (check?.status === 'invalid') {
        this.#integrityProblem(
          ctx,
          `s3://${this.#config.bucket}/${file.key}`,
          `invalid log file, not recorded: ${check.reason}`,
        );
        continue;
      }
      for (const extracted of parseCloudTrailText(content.toString('utf8'))) {
        const result = normaliseExtracted(extracted, this.#normalise);
        if (result.kind === 'changes')
          changes.push(
            ...(check ? result.changes.map((change) => withLogFileDigest(change, check.status)) : result.changes),
          );
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
    this.#digests?.consumed(batch.map((file) => file.key));
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
