// `gitrail ingest`: input files → worker (edge + normalise + render) → ledger, in input order.
// Counts every record; a malformed or refused one is reported as `file:line: reason` and skipped.
import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { join } from 'node:path';
import { Checkpointer } from '../checkpoint/checkpointer.ts';
import type { LedgerSettings } from '../config/ledger-settings.ts';
import { DEFAULT_MAX_INFLATED_BYTES } from '../domain/gunzip.ts';
import { DAY_MS } from '../edge/limits.ts';
import { readCommittedSeq } from '../journal/read-committed.ts';
import { Ledger } from '../ledger/ledger.ts';
import { DEFAULT_COMMITTER, type Outcome } from '../ledger/ledger-types.ts';
import { isRecordFailure } from '../ledger/record-guard.ts';
import { listInputFiles, type InputFile } from './files.ts';
import { capYoungGeneration, collector } from './heap.ts';
import { checkInputDigests, type DigestKeys } from './log-file-digests.ts';
import type { WorkerInput, WorkerMessage } from './worker.ts';
import { dataFolder } from '../domain/data-folder.ts';

/**
 * The writer's memory of current documents: 100k resources take ~35 MB, so a backfill of up to
 * ~130k resources never misses; past that, memory stays flat and a miss reads the file's blob
 * (one object through `git cat-file --batch`, no pack kept in memory). Not less: a miss also parses
 * the blob's YAML on the writer's thread, the ingest's critical path (issue 12).
 */
const INGEST_DOC_CACHE_BYTES = 64 * 1024 * 1024;
/** Young-generation size of the render worker's heap (V8's default grows to ~190 MB). */
const WORKER_YOUNG_GENERATION_MB = 16;
/**
 * The writer's thread's young generation (see capYoungGeneration): 8 MB, not 16, took ~8 MB off
 * the peak RSS at 100k resources (issue 12: 385 → 374–377 MB) at no measured cost in time.
 */
const MAIN_YOUNG_GENERATION_MB = 8;

export interface IngestSummary {
  read: number;
  committed: number;
  unchanged: number;
  duplicates: number;
  ignored: number;
  rejected: number;
  activity: number;
}

export interface IngestOptions {
  readonly dataDir: string;
  readonly paths: readonly string[];
  readonly cluster: string;
  readonly genericSource: string;
  readonly redactionKey: Uint8Array;
  readonly sensitiveKeys: readonly string[];
  /** Public keys that check CloudTrail digest files found among the input. */
  readonly digestKeys?: DigestKeys;
  /** limits.futureSkew (default one day). */
  readonly futureSkewMs?: number;
  /** limits.maxInflatedBytes: the cap on a gzip input file's gunzipped size (default 256 MiB). */
  readonly maxInflatedBytes?: number;
  readonly now?: () => number;
  readonly log?: Logger;
  /** A malformed record or an unreadable file. */
  readonly onProblem: (file: string, line: number | null, reason: string) => void;
  /** Called after each batch. */
  readonly onProgress?: (summary: Readonly<IngestSummary>, file: string) => void;
  /** Called with the time the ledger took for each change (benchmarks). */
  readonly onApplied?: (millis: number) => void;
  /** Committer, signing key and activity periods from the config (defaults: the data folder's own key). */
  readonly writer?: LedgerSettings;
  /** Write unsigned commits and no checkpoint (benchmarks measuring what signing costs). */
  readonly unsigned?: boolean;
}

export interface IngestResult {
  readonly summary: IngestSummary;
  /** Files that could not be read at all, invalid CloudTrail log files and digests, chain gaps. */
  readonly unreadable: number;
  /** Milliseconds until every change was committed, and then for closing (repository maintenance). */
  readonly millis: { readonly committing: number; readonly closing: number };
}

export function emptySummary(): IngestSummary {
  return { read: 0, committed: 0, unchanged: 0, duplicates: 0, ignored: 0, rejected: 0, activity: 0 };
}

export async function runIngest(options: IngestOptions): Promise<IngestResult> {
  const started = performance.now();
  const listing = listInputFiles(options.paths);
  for (const problem of listing.unreadable) options.onProblem(problem.path, null, problem.reason);
  const { files, problems: badDigests } = await checkInputDigests(
    listing.digests,
    listing.files,
    options.digestKeys ?? { ring: new Map() },
    (file, reason) => options.onProblem(file, null, reason),
  );
  const { writer } = options;
  const ledger = await Ledger.open({
    dataDir: options.dataDir,
    deferFullRepack: true,
    flushEvery: 2000,
    docCacheBytes: INGEST_DOC_CACHE_BYTES,
    ...(writer
      ? {
          committer: writer.committer,
          activityPeriod: writer.activityPeriod,
          activityLines: writer.activityLines,
          identities: writer.identities,
        }
      : {}),
    signing: options.unsigned ? null : (writer?.signing ?? {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const gc = collector();
  let flushed = false;
  ledger.onCommitted(() => {
    flushed = true;
  });
  const summary = emptySummary();
  let unreadable = listing.unreadable.length + badDigests;
  const input: WorkerInput = {
    files,
    cluster: options.cluster,
    genericSource: options.genericSource,
    redactionKey: options.redactionKey,
    sensitiveKeys: options.sensitiveKeys,
    now: (options.now ?? Date.now)(),
    futureSkewMs: options.futureSkewMs ?? DAY_MS,
    maxInflatedBytes: options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES,
  };
  // The worker's live data is a few batches; V8 would otherwise let its young generation grow
  // to 3 × 64 MB (issue 12: ~170 MB of a 10k-resource ingest's peak RSS).
  const young = capYoungGeneration(MAIN_YOUNG_GENERATION_MB);
  // Now, before the first batch: checked only after one, V8 had sometimes grown it to 32 MB already.
  young.check();
  const worker = new Worker(new URL('./worker.ts', import.meta.url), {
    workerData: input,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  try {
    for await (const [message] of on(worker, 'message') as AsyncIterable<[WorkerMessage]>) {
      if (message.type === 'done') break;
      const file = (files[message.file] as InputFile).path;
      if (message.type === 'file-error') {
        unreadable += 1;
        options.onProblem(file, null, message.error);
        continue;
      }
      for (const item of message.items) {
        summary.read += 1;
        const { result } = item;
        if (result.kind === 'ignored') summary.ignored += 1;
        else if (result.kind === 'rejected') {
          summary.rejected += 1;
          options.onProblem(file, item.line, item.where ? `${item.where}: ${result.reason}` : result.reason);
        } else {
          for (const change of result.changes) {
            const started = options.onApplied ? performance.now() : 0;
            let outcome: Outcome;
            try {
              ({ outcome } = await ledger.apply(change));
            } catch (error) {
              // The record's fault (a file grown past the size limit, a bug it triggers): said, never fatal.
              if (!isRecordFailure(error)) throw error;
              summary.rejected += 1;
              options.onProblem(file, item.line, error instanceof Error ? error.message : String(error));
              continue;
            }
            options.onApplied?.(performance.now() - started);
            if (outcome === 'committed') summary.committed += 1;
            else if (outcome === 'unchanged') summary.unchanged += 1;
            else if (outcome === 'duplicate') summary.duplicates += 1;
            else summary.activity += 1;
          }
        }
      }
      worker.postMessage('ack');
      young.check();
      if (flushed) {
        // Here, not in the listener: the flush's objects are still referenced while it runs.
        flushed = false;
        gc();
      }
      options.onProgress?.(summary, file);
    }
    await ledger.flush();
    // What was ingested is anchored by a signed checkpoint, as the daemon's work is.
    if (!options.unsigned) {
      const checkpointer = await Checkpointer.open({
        dataDir: options.dataDir,
        ledger,
        tagger: writer?.committer ?? DEFAULT_COMMITTER,
        journalSeq: () => readCommittedSeq(dataFolder(options.dataDir).journal),
        ...(writer ? { retention: writer.retention } : {}),
        ...(options.log ? { log: options.log } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      await checkpointer.create('ingest');
    }
  } catch (error) {
    await worker.terminate();
    young.release();
    await ledger.close();
    throw error;
  }
  await worker.terminate();
  young.release();
  const committed = performance.now();
  await ledger.close();
  return { summary, unreadable, millis: { committing: committed - started, closing: performance.now() - committed } };
}
