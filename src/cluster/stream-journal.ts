// A shard's durable pull consumer seen as the drainer's journal: batches are fetched ahead
// into a bounded buffer, each change stamped with the `Stream-Seq:` of its message, and
// `checkpoint(seq)` (called once the commits and the index are durable) acknowledges every
// message up to it. Batches are handed out strictly in stream order: a message sent again is
// skipped when already in hand, and a delivery that never arrived (a gap in the consumer's
// delivery sequence) ends the session, which restarts from the repository. Once fenced (the
// lease is lost) nothing more is handed out.
import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamApiCodes, JetStreamApiError, type Consumer, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import type { DrainSource } from '../journal/drainer.ts';
import type { JournalEntry } from '../journal/journal.ts';
import { decodeShardBatch } from './message.ts';
import { STREAM_SEQ_TRAILER } from './restore.ts';

export interface StreamJournalOptions {
  readonly consumer: Consumer;
  /** The stream sequence the repository already reflects; the consumer starts after it. */
  readonly startAfter: number;
  readonly log: Logger;
  /** Called when fetching cannot go on (the consumer was deleted: another writer took over). */
  readonly onFailure: (error: unknown) => void;
  /** Called after each checkpoint (the commits and index up to `seq` are durable and acknowledged). */
  readonly onCheckpoint?: (seq: number) => void;
  readonly now?: () => number;
}

const FETCH_MESSAGES = 128;
const FETCH_EXPIRES_MS = 5_000;
const HIGH_WATER_BYTES = 32 * 1024 * 1024;
const HIGH_WATER_ENTRIES = 1024;

function stamped(batch: ChangeBatch, seq: number): ChangeBatch {
  const trailer = [STREAM_SEQ_TRAILER, String(seq)] as const;
  return { ...batch, changes: batch.changes.map((record) => ({ ...record, trailers: [...record.trailers, trailer] })) };
}

export class StreamJournal implements DrainSource {
  readonly #options: StreamJournalOptions;
  readonly #entries: JournalEntry[] = [];
  #bufferedBytes = 0;
  /** Delivered and not yet acknowledged, in stream order. */
  readonly #unacked: JsMsg[] = [];
  #highest: number;
  /** The consumer's delivery sequence of the last message received: each delivery adds one. */
  #lastDelivery = 0;
  #checkpoint: number;
  #readers: Array<() => void> = [];
  #space: Array<() => void> = [];
  readonly #abort = new AbortController();
  #pumping: Promise<void> | null = null;
  /** Messages that held no batch (a foreign publisher): acknowledged and logged, never committed. */
  undecodable = 0;

  constructor(options: StreamJournalOptions) {
    this.#options = options;
    this.#highest = options.startAfter;
    this.#checkpoint = options.startAfter;
  }

  get checkpointed(): number {
    return this.#checkpoint;
  }

  /** Publish time (epoch ms) of the oldest delivered batch not yet committed, or null. */
  get oldestUncommittedAt(): number | null {
    const first = this.#unacked[0];
    return first ? Number(first.info.timestampNanos) / 1e6 : null;
  }

  get isFenced(): boolean {
    return this.#abort.signal.aborted;
  }

  start(): void {
    this.#pumping ??= this.#pump();
  }

  /**
   * Hands out nothing more and wakes the drainer at once; the fetch in flight ends on its own
   * (its messages are ignored), so a lost lease never waits for it.
   */
  fence(): void {
    this.#abort.abort();
    this.#wake();
    for (const resume of this.#space.splice(0)) resume();
  }

  whenReadable(): Promise<void> {
    if (this.#entries.length > 0 || this.isFenced) return Promise.resolve();
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  readNext(maxEntries: number, maxBytes: number): JournalEntry[] {
    if (this.isFenced) return [];
    const out: JournalEntry[] = [];
    let bytes = 0;
    while (out.length < maxEntries && bytes < maxBytes && this.#entries.length > 0) {
      const entry = this.#entries.shift() as JournalEntry;
      out.push(entry);
      bytes += entry.bytes;
    }
    this.#bufferedBytes -= bytes;
    if (out.length > 0) for (const resume of this.#space.splice(0)) resume();
    return out;
  }

  async checkpoint(seq: number): Promise<void> {
    if (seq <= this.#checkpoint) return;
    let last: JsMsg | undefined;
    while (this.#unacked.length > 0 && (this.#unacked[0] as JsMsg).seq <= seq) last = this.#unacked.shift();
    // The consumer acknowledges all: the last message covers every one before it.
    last?.ack();
    this.#checkpoint = seq;
    this.#options.onCheckpoint?.(seq);
  }

  #wake(): void {
    for (const wake of this.#readers.splice(0)) wake();
  }

  #isFull(): boolean {
    return this.#bufferedBytes >= HIGH_WATER_BYTES || this.#entries.length >= HIGH_WATER_ENTRIES;
  }

  async #pump(): Promise<void> {
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      if (this.#isFull()) {
        await new Promise<void>((resolve) => this.#space.push(resolve));
        continue;
      }
      try {
        const messages = await this.#options.consumer.fetch({
          max_messages: FETCH_MESSAGES,
          expires: FETCH_EXPIRES_MS,
        });
        const stop = () => messages.stop();
        signal.addEventListener('abort', stop, { once: true });
        try {
          for await (const message of messages) this.#take(message);
        } finally {
          signal.removeEventListener('abort', stop);
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) {
          this.#options.onFailure(error);
          return;
        }
        if (failures % 10 === 1) this.#options.log.warn({ err: error }, 'fetching from the stream failed; retrying');
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  #take(message: JsMsg): void {
    if (this.isFenced) return;
    const delivery = message.info.deliverySequence;
    const lost = delivery !== this.#lastDelivery + 1;
    this.#lastDelivery = delivery;
    // Sent again after ackWait: it is already in hand, and the acknowledgement of a later one covers it.
    if (message.seq <= this.#highest) return;
    if (lost) {
      // A delivery never arrived (lost on a dying route): whatever came after it must not be
      // applied before it, nor acknowledged with it. Start again from the repository.
      this.fence();
      this.#options.onFailure(
        new Error(
          `delivery ${delivery} of ${message.info.consumer} came after a lost one (stream sequence ${message.seq})`,
        ),
      );
      return;
    }
    this.#highest = message.seq;
    this.#unacked.push(message);
    const batch = decodeShardBatch(message.data);
    if (!batch) {
      this.undecodable += 1;
      this.#options.log.error(
        { seq: message.seq, subject: message.subject, bytes: message.data.length },
        'a stream message holds no gitrail batch; acknowledged without committing anything',
      );
    }
    const receivedAt = batch?.receivedAt ?? (this.#options.now ?? Date.now)();
    const empty: ChangeBatch = { source: 'undecodable', receivedAt, changes: [], facts: [], ignored: 0, rejected: 0 };
    this.#entries.push({
      seq: message.seq,
      receivedAt,
      bytes: message.data.length,
      batch: batch ? stamped(batch, message.seq) : empty,
    });
    this.#bufferedBytes += message.data.length;
    this.#wake();
  }
}
