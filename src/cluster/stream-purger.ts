// Drops a shard's messages from the stream once the repository reflects them (pushed, with a
// remote; committed, without), one purge at a time; a failed purge is covered by the next.
import type { Logger } from 'pino';
import type { ClusterResources } from './nats.ts';

export class StreamPurger {
  readonly #resources: ClusterResources;
  readonly #stream: string;
  readonly #subject: string;
  readonly #log: Logger;
  #purged = 0;
  #purging: Promise<void> = Promise.resolve();

  constructor(resources: ClusterResources, stream: string, subject: string, log: Logger) {
    this.#resources = resources;
    this.#stream = stream;
    this.#subject = subject;
    this.#log = log;
  }

  /** Drops the subject's messages up to `seq` (nothing when an earlier call went as far). */
  upTo(seq: number): void {
    if (seq <= this.#purged) return;
    this.#purged = seq;
    this.#purging = this.#purging.then(async () => {
      try {
        const { purged } = await this.#resources.jsm.streams.purge(this.#stream, {
          filter: this.#subject,
          seq: seq + 1,
        });
        this.#log.debug({ upTo: seq, purged }, 'purged batches the repository reflects from the stream');
      } catch (error) {
        // The next purge covers these too.
        this.#log.warn({ err: error, seq }, 'purging pushed batches from the stream failed');
      }
    });
  }

  /** Resolves once the purges asked for so far have run. */
  settled(): Promise<void> {
    return this.#purging;
  }
}
