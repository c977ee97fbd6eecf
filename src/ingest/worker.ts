// Worker thread of `gitrail ingest`: reads, classifies, normalises and renders the input
// files in order and streams the results to the writer, at most a few batches ahead.
import { parentPort, workerData } from 'node:worker_threads';
import { edgeLimits } from '../edge/limits.ts';
import { createRedactor } from '../normalise/redact.ts';
import { openInput, type InputFile } from './files.ts';
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
const AHEAD = 16;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('worker.ts runs only as a worker thread');
  const input = workerData as WorkerInput;
  const context = {
    cluster: input.cluster,
    genericSource: input.genericSource,
    redact: createRedactor(input.redactionKey),
    sensitiveKeys: new Set(input.sensitiveKeys.map((key) => key.toLowerCase())),
    now: () => input.now,
    limits: edgeLimits(input.futureSkewMs),
  };
  let inFlight = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    inFlight -= 1;
    wake?.();
    wake = null;
  });
  const send = async (message: WorkerMessage): Promise<void> => {
    port.postMessage(message);
    if (message.type !== 'batch') return;
    inFlight += 1;
    while (inFlight >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
  };
  for (const [index, file] of input.files.entries()) {
    let items: WorkItem[] = [];
    try {
      for await (const record of readRecords(openInput(file.path))) {
        const result: PreparedResult =
          'error' in record
            ? { kind: 'rejected', reason: record.error }
            : prepareSafely(record.format, record.value, context);
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
