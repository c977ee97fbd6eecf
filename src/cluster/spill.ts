// The local spill buffer (README "Cluster mode: when NATS is down"): while the stream cannot
// store a batch, intake appends it to `<data>/spill`, a journal fsynced before the 2xx, and a
// forwarder publishes what it holds, in order, once NATS stores again (the content-derived
// message ids and the writers' event-id dedupe make a batch published twice count once).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import { Journal } from '../journal/journal.ts';

export interface SpillOptions {
  readonly dir: string;
  readonly maxBytes: number;
  /** Publishes one spilled batch; throws while the stream cannot store it. */
  readonly forward: (batch: ChangeBatch) => Promise<void>;
  readonly log: Logger;
}

const READ_ENTRIES = 64;
const READ_BYTES = 8 * 1024 * 1024;

export class Spill {
  readonly #journal: Journal;
  readonly #options: SpillOptions;
  readonly #abort = new AbortController();
  #running: Promise<void> | null = null;

  constructor(options: SpillOptions) {
    this.#options = options;
    this.#journal = Journal.open({
      dir: options.dir,
      segmentBytes: 16 * 1024 * 1024,
      maxBytes: options.maxBytes,
      log: options.log,
    });
  }

  /** Batches spilled and not yet forwarded. */
  depth(): { entries: number; bytes: number } {
    const { entries, bytes } = this.#journal.depth();
    return { entries, bytes };
  }

  get isFull(): boolean {
    return this.#journal.depth().bytes >= this.#options.maxBytes;
  }

  /** Appends a batch; resolves once it is on disk. Rejects with JournalFullError past maxBytes. */
  append(batch: ChangeBatch): Promise<number> {
    return this.#journal.append(batch);
  }

  /** Starts forwarding what is spilled (also what an earlier process left). */
  start(): void {
    this.#running ??= this.#forwardAll().catch((error: unknown) => {
      this.#options.log.fatal({ err: error }, 'the spill forwarder stopped; spilled batches stay on disk');
    });
  }

  async #forwardAll(): Promise<void> {
    const signal = this.#abort.signal;
    const stopped = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    while (!signal.aborted) {
      const entries = this.#journal.readNext(READ_ENTRIES, READ_BYTES);
      if (entries.length === 0) {
        await Promise.race([this.#journal.whenReadable(), stopped]);
        continue;
      }
      for (const entry of entries) {
        for (let attempt = 0; ; attempt += 1) {
          if (signal.aborted) return;
          try {
            await this.#options.forward(entry.batch);
            break;
          } catch (error) {
            if (attempt % 20 === 0)
              this.#options.log.warn({ err: error, seq: entry.seq }, 'cannot forward a spilled batch yet; retrying');
            await sleep(Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)), undefined, { signal }).catch(() => undefined);
          }
        }
        await this.#journal.checkpoint(entry.seq);
      }
      this.#options.log.info(
        { batches: entries.length, left: this.#journal.depth().entries },
        'spilled batches forwarded',
      );
    }
  }

  /** Stops forwarding (what is left stays on disk for the next start) and closes the journal. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#running;
    await this.#journal.close();
  }
}
