// The writer's side of the pack worker (pack-worker.ts): objects go to the worker in batches as
// they are staged, where they are compressed and assembled while the writer renders, hashes
// and signs the next ones; storing the pack then costs the writer only the wait for the last
// batch, the index and the fsyncs. The worker is shared by the process and does not keep it
// alive while no pack is being stored.
import { Worker } from 'node:worker_threads';
import { LedgerError } from '../domain/errors.ts';
import { EntryBatch } from './pack-batch.ts';
import type { ObjectType } from './objects.ts';
import type { PackReply, PackRequest } from './pack-worker.ts';

/** A batch goes to the worker once it holds this many bytes. */
const SEND_BYTES = 512 * 1024;
/** The worker's live data is a batch and the pack being assembled (a few MB). */
const YOUNG_GENERATION_MB = 8;

interface Waiter {
  readonly resolve: (name: string) => void;
  readonly reject: (error: Error) => void;
}

/** The process's pack worker, started by the first stream; a new one replaces a failed one. */
let worker: PackWorker | null = null;
let nextStream = 1;

class PackWorker {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiter>();
  #nextRequest = 1;
  failure: Error | null = null;

  constructor() {
    this.#worker = new Worker(new URL('./pack-worker.ts', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.#worker.on('message', (reply: PackReply) => {
      const waiter = this.#waiting.get(reply.request);
      this.#waiting.delete(reply.request);
      if (this.#waiting.size === 0) this.#worker.unref();
      if (reply.kind === 'stored') waiter?.resolve(reply.name);
      else waiter?.reject(new LedgerError(`cannot write a pack: ${reply.error}`));
    });
    this.#worker.on('error', (error: Error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new LedgerError(`the pack worker stopped (exit ${code})`)));
    // After the listeners: adding a 'message' listener refs the worker again.
    this.#worker.unref();
  }

  #fail(error: Error): void {
    this.failure ??= error;
    if (worker === this) worker = null;
    for (const waiter of this.#waiting.values()) waiter.reject(this.failure);
    this.#waiting.clear();
  }

  post(message: PackRequest, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(message, transfer);
  }

  store(stream: number, packDir: string): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    const request = this.#nextRequest++;
    const stored = new Promise<string>((resolve, reject) => this.#waiting.set(request, { resolve, reject }));
    this.#worker.ref();
    this.post({ kind: 'store', stream, request, packDir });
    return stored;
  }
}

/** The objects of one pack, in the order they are added. */
export class PackStream {
  readonly #id = nextStream++;
  /** The worker this pack goes to, started by its first batch. */
  #worker: PackWorker | null = null;
  #batch = new EntryBatch(2 * SEND_BYTES);

  /**
   * Adds an object whole (`base` -1) or as a delta against entry `base` of this pack (`size` and
   * `data`: the delta's); `deflated`: `data` is already a zlib stream. Entries are numbered from 0.
   */
  add(type: ObjectType, oid: string, base: number, size: number, data: Uint8Array, deflated: boolean): void {
    this.#batch.add(type, oid, base, size, data, deflated);
    if (this.#batch.bytes >= SEND_BYTES) this.#send();
  }

  #send(): void {
    if (this.#batch.bytes === 0) return;
    const { buffer, length } = this.#batch.take();
    this.#worker ??= worker ??= new PackWorker();
    this.#worker.post({ kind: 'entries', stream: this.#id, buffer, length }, [buffer]);
  }

  /** Writes the pack into `packDir` durably and returns its name; the stream then starts a new pack. */
  async store(packDir: string): Promise<string> {
    this.#send();
    const target = this.#worker;
    this.#worker = null;
    if (!target) throw new LedgerError('no objects to write into a pack');
    return target.store(this.#id, packDir);
  }

  /** Forgets what was added (the worker drops its part of the pack). */
  discard(): void {
    this.#batch = new EntryBatch(2 * SEND_BYTES);
    if (this.#worker && !this.#worker.failure) this.#worker.post({ kind: 'discard', stream: this.#id });
    this.#worker = null;
  }
}
