// Worker thread of `gitrail ingest`: reads, classifies, normalises and renders the input
// files in order and streams the results to the writer, at most a few batches ahead.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { InvalidInputError } from '../domain/errors.ts';
import { edgeLimits } from '../edge/limits.ts';
import { createRedactor, sensitiveKeySet } from '../normalise/redact.ts';
import { checkLogFile, withLogFileDigest } from '../formats/cloudtrail/digests/log-file-status.ts';
import type { LogFileDigest } from '../formats/cloudtrail/digests/verify-digests.ts';
import { isGzipFile, openInput, type InputFile } from './files.ts';
import { collector } from './heap.ts';
import { prepareInput, type PreparedResult } from './prepare.ts';
import { readRecords } from './records.ts';

export interface WorkerInput {
  readonly files: readonly InputFile[];
  readonly cluster: string;
  readonly genericSource: string;
  readonly redactionKey: Uint8Array;
  readonly sensitiveKeys: readonly string[];
  readonly now: number;
  /** limits.futureSkew: how far past `now` an event time may be. */
  readonly futureSkewMs: number;
  /** limits.maxInflatedBytes: the cap on a gzip input file's gunzipped size. */
  readonly maxInflatedBytes: number;
}

export interface WorkItem {
  readonly line: number;
  readonly where?: string;
  readonly result: PreparedResult;
}

export type WorkerMessage =
  | { readonly type: 'file-error'; readonly file: number; readonly error: string }
  | { readonly type: 'batch'; readonly file: number; readonly items: readonly WorkItem[] }
  | { readonly type: 'done' };

const BATCH = 256;

/** A record that cannot be prepared (rendering failed) is rejected with the reason, never fatal to the run. */
function prepareSafely(...args: Parameters<typeof prepareInput>): PreparedResult {
  try {
    return prepareInput(...args);
  } catch (error) {
    return { kind: 'rejected', reason: error instanceof Error ? error.message : String(error) };
  }
}
/**
 * The batch with the bytes of its rendered blobs (content, packed document) copied into
 * one buffer, which is then moved to the writer instead of copied. Posted as they are, each array
 * became an allocation of its own on the writer's thread, and the writer's C heap, where short-
 * and long-lived ones interleave, grew to three times what it held (issue 12). One buffer per
 * batch is freed whole once the writer has written the pack of its objects.
 */
function inOneBuffer(items: readonly WorkItem[]): { items: WorkItem[]; buffer: ArrayBuffer } {
  let size = 0;
  for (const { result } of items)
    if (result.kind === 'changes')
      for (const { rendered } of result.changes)
        if (rendered) size += rendered.object.content.length + rendered.packedDoc.length;
  const buffer = new ArrayBuffer(size);
  let at = 0;
  const moved = (bytes: Uint8Array): Uint8Array => {
    const view = new Uint8Array(buffer, at, bytes.length);
    view.set(bytes);
    at += bytes.length;
    return view;
  };
  const movedItems = items.map((item): WorkItem => {
    const { result } = item;
    if (result.kind !== 'changes') return item;
    const changes = result.changes.map((change) => {
      const { rendered } = change;
      if (!rendered) return change;
      const { object } = rendered;
      return {
        ...change,
        rendered: {
          ...rendered,
          object: { ...object, content: moved(object.content) },
          packedDoc: moved(rendered.packedDoc),
        },
      };
    });
    return { ...item, result: { kind: 'changes', changes } };
  });
  return { items: movedItems, buffer };
}

/** Batches posted and not yet taken by the writer: enough to keep it busy, each one held in memory. */
const AHEAD = 4;
/**
 * Batches between full collections of this thread's heap. What it keeps is a few batches (~20
 * MB); parsed and rendered records die old enough to reach the old generation, which V8 let grow
 * to ~60 MB before collecting it (issue 12). One collection takes a few ms every ~2,000 records.
 */
const COLLECT_EVERY = 8;

/**
 * A file is checked whole before any of its records is used, so a file that cannot be used is
 * refused whole, never half recorded: a gzip file is inflated once (past the cap, or corrupt
 * gzip, refuses it), and a CloudTrail log file that digests cover is hashed in the same pass (an
 * invalid one is refused with its reason, a valid one is then read with its status).
 */
async function openChecked(
  file: InputFile,
  maxInflatedBytes: number,
): Promise<{ input: Readable; digest?: LogFileDigest } | { refused: string }> {
  const gzip = isGzipFile(file.path);
  if (!file.digest && !gzip) return { input: openInput(file.path, maxInflatedBytes) };
  const hash = file.digest ? createHash('sha256') : null;
  try {
    for await (const chunk of openInput(file.path, maxInflatedBytes)) hash?.update(chunk as Buffer);
  } catch (error) {
    if (error instanceof InvalidInputError) return { refused: `${error.message}; nothing of it recorded` };
    throw error;
  }
  if (!file.digest || !hash) return { input: openInput(file.path, maxInflatedBytes) };
  const check = checkLogFile(file.digest.expected, hash.digest('hex'));
  if (check.status === 'invalid') return { refused: `invalid CloudTrail log file, not recorded: ${check.reason}` };
  return { input: openInput(file.path, maxInflatedBytes), digest: check.status };
}

function withDigest(result: PreparedResult, digest: LogFileDigest | undefined): PreparedResult {
  if (digest === undefined || result.kind !== 'changes') return result;
  return {
    kind: 'changes',
    changes: result.changes.map((change) => ({ ...change, record: withLogFileDigest(change.record, digest) })),
  };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('worker.ts runs only as a worker thread');
  const input = workerData as WorkerInput;
  const context = {
    cluster: input.cluster,
    genericSource: input.genericSource,
    redact: createRedactor(input.redactionKey),
    sensitiveKeys: sensitiveKeySet(input.sensitiveKeys),
    now: () => input.now,
    limits: edgeLimits(input.futureSkewMs),
  };
  const gc = collector();
  let sent = 0;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    inFlight -= 1;
    wake?.();
    wake = null;
  });
  const send = async (message: WorkerMessage): Promise<void> => {
    if (message.type === 'batch') {
      const packed = inOneBuffer(message.items);
      port.postMessage({ ...message, items: packed.items }, [packed.buffer]);
    } else port.postMessage(message);
    if (message.type !== 'batch') return;
    inFlight += 1;
    sent += 1;
    if (sent % COLLECT_EVERY === 0) gc();
    while (inFlight >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
  };
  for (const [index, file] of input.files.entries()) {
    let items: WorkItem[] = [];
    try {
      const opened = await openChecked(file, input.maxInflatedBytes);
      if ('refused' in opened) {
        await send({ type: 'file-error', file: index, error: opened.refused });
        continue;
      }
      for await (const record of readRecords(opened.input)) {
        const result: PreparedResult =
          'error' in record
            ? { kind: 'rejected', reason: record.error }
            : withDigest(prepareSafely(record.format, record.value, context), opened.digest);
        items.push({
          line: record.line,
          ...('where' in record && record.where ? { where: record.where } : {}),
          result,
        });
        if (items.length >= BATCH) {
          await send({ type: 'batch', file: index, items });
          items = [];
        }
      }
      if (items.length > 0) await send({ type: 'batch', file: index, items });
    } catch (error) {
      if (items.length > 0) await send({ type: 'batch', file: index, items });
      await send({ type: 'file-error', file: index, error: (error as Error).message });
    }
  }
  await send({ type: 'done' });
}

await main();
