// The drainer, the only caller of the Ledger: applies journal batches in order, records facts,
// flushes (pack + refs + index), then advances the journal checkpoint. A crash replays from the
// checkpoint; the ledger's dedupe on (source, Event-ID, path) makes replay commit nothing twice.
// A record that fails is quarantined (issue 10) and the drain goes on; only a failure of the
// machine (disk, index database) stops it, and the journal keeps everything for the restart.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import type { ChangeRecord } from '../domain/change.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Outcome } from '../ledger/ledger-types.ts';
import { isRecordFailure } from '../ledger/record-guard.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import type { IntakeActivity } from './intake-activity.ts';
import type { Journal, JournalEntry } from './journal.ts';
import { changeQuarantineId, describeError, type Quarantine } from './quarantine.ts';

/** What the drainer reads: the local journal, or a shard's stream consumer in cluster mode (src/cluster/). */
export type DrainSource = Pick<Journal, 'readNext' | 'whenReadable' | 'checkpoint' | 'checkpointed'>;

export interface DrainerOptions {
  readonly journal: DrainSource;
  readonly ledger: Ledger;
  readonly metrics: GitrailMetrics;
  readonly log: Logger;
  /** Flush once this many changes are applied and not yet flushed. */
  readonly maxChangesPerFlush: number;
  /** Least time between two flushes while events trickle in. */
  readonly flushIntervalMs: number;
  /** Where records that fail go; without one, a failing record stops the drainer. */
  readonly quarantine?: Quarantine;
  /** Intake requests in flight: between slices the drainer gives way to them (bounded by PAUSE_MS). */
  readonly intake?: Pick<IntakeActivity, 'idle'>;
  readonly now?: () => number;
}

// A round of reading (after which the flush interval is looked at) is up to ROUND_ENTRIES or
// ROUND_BYTES; entries are parsed as they are read, in one stretch of the event loop, so a round
// is read about one webhook batch (READ_BYTES) at a time.
const ROUND_ENTRIES = 256;
const ROUND_BYTES = 4 * 1024 * 1024;
const READ_ENTRIES = 16;
const READ_BYTES = 256 * 1024;
/** Longest stretch of applying changes before the HTTP server gets a turn of the event loop. */
const SLICE_MS = 8;
/** Facts recorded in one index transaction: a slice of a webhook batch's. */
const FACT_SLICE = 64;
/** Longest pause between two slices while intake requests are in flight. */
const PAUSE_MS = 10;

function timer(ms: number): { promise: Promise<void>; cancel: () => void } {
  let handle: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    handle = setTimeout(resolve, Math.max(0, ms));
  });
  return { promise, cancel: () => clearTimeout(handle) };
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class Drainer {
  readonly #options: DrainerOptions;
  readonly #now: () => number;
  readonly #waiters: Waiter[] = [];
  #stopping = false;
  #wakeStop: () => void = () => undefined;
  readonly #stopped: Promise<void>;
  #failure: unknown = null;
  #sliceStart = performance.now();

  constructor(options: DrainerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#stopped = new Promise((resolve) => {
      this.#wakeStop = resolve;
    });
  }

  /** The error that stopped the drainer, or null. */
  get failure(): unknown {
    return this.#failure;
  }

  /** Resolves once every journal entry up to `seq` is committed. */
  whenCommitted(seq: number): Promise<void> {
    if (seq <= this.#options.journal.checkpointed) return Promise.resolve();
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  /** Asks run() to return once everything durable in the journal is committed. */
  stop(): void {
    this.#stopping = true;
    this.#wakeStop();
  }

  async run(): Promise<void> {
    try {
      await this.#loop();
    } catch (error) {
      this.#failure = error;
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
      throw error;
    }
  }

  async #loop(): Promise<void> {
    const { journal, maxChangesPerFlush, flushIntervalMs } = this.#options;
    let applied: number | null = null;
    let changes = 0;
    let lastFlush = Number.NEGATIVE_INFINITY;
    const received: number[] = [];
    let round = { entries: 0, bytes: 0 };
    for (;;) {
      await this.#yieldWhenBusy();
      const entries = journal.readNext(READ_ENTRIES, READ_BYTES);
      for (const entry of entries) {
        await this.#apply(entry);
        applied = entry.seq;
        changes += entry.batch.changes.length;
        received.push(entry.receivedAt);
        round = { entries: round.entries + 1, bytes: round.bytes + entry.bytes };
      }
      const idle = entries.length === 0;
      const roundDone = idle || round.entries >= ROUND_ENTRIES || round.bytes >= ROUND_BYTES;
      if (roundDone) round = { entries: 0, bytes: 0 };
      if (
        applied !== null &&
        (changes >= maxChangesPerFlush ||
          (roundDone && this.#now() - lastFlush >= flushIntervalMs) ||
          (idle && this.#stopping))
      ) {
        // The flush's synchronous part (refs, index) starts on a fresh turn, after waiting I/O.
        await this.#yieldNow();
        await this.#flush(applied, received.splice(0));
        applied = null;
        changes = 0;
        lastFlush = this.#now();
        continue;
      }
      if (!idle) continue;
      if (this.#stopping && applied === null) return;
      const wait = applied === null ? null : timer(lastFlush + flushIntervalMs - this.#now());
      await Promise.race([journal.whenReadable(), this.#stopped, ...(wait ? [wait.promise] : [])]);
      wait?.cancel();
    }
  }

  async #apply(entry: JournalEntry): Promise<void> {
    const { ledger, metrics } = this.#options;
    const { batch } = entry;
    if (!isBatch(batch)) {
      this.#hold(entry, 'batch', batch, new TypeError('the journal entry is not a batch of changes and facts'));
      return;
    }
    const source = batch.source;
    for (const [index, record] of batch.changes.entries()) {
      await this.#yieldWhenBusy();
      let outcome: Outcome;
      try {
        ({ outcome } = await ledger.apply({ record }));
      } catch (error) {
        this.#hold(entry, index, record, error);
        continue;
      }
      switch (outcome) {
        case 'committed':
        case 'activity':
        case 'late':
        case 'untracked':
          metrics.committed.inc({ source, branch: outcome === 'committed' ? 'main' : 'activity' });
          if (record.trailers.some(([key, value]) => key === 'Attribution' && value === 'unresolved'))
            metrics.unresolved.inc({ source });
          break;
        case 'duplicate':
          metrics.duplicate.inc({ source });
          break;
        case 'unchanged':
          metrics.unchanged.inc({ source });
          break;
      }
    }
    await this.#recordFacts(entry, batch);
  }

  /**
   * Records a batch's facts a slice at a time (a webhook batch of 400 took one 30-50 ms transaction
   * on the event loop). Each slice is its own transaction; the index ignores a fact it holds, so a
   * replay after a crash between slices records none twice. What fails is quarantined with the rest.
   */
  async #recordFacts(entry: JournalEntry, batch: ChangeBatch): Promise<void> {
    const { ledger, metrics } = this.#options;
    const { facts, source } = batch;
    for (let start = 0; start < facts.length; start += FACT_SLICE) {
      await this.#yieldWhenBusy();
      const slice = facts.slice(start, start + FACT_SLICE);
      try {
        ledger.index.recordFacts(slice);
        metrics.facts.inc({ source }, slice.length);
      } catch (error) {
        this.#hold(entry, 'facts', facts.slice(start), error);
        return;
      }
    }
  }

  /** Quarantines what failed and lets the drain go on; rethrows a failure of the machine. */
  #hold(entry: JournalEntry, part: number | 'facts' | 'batch', record: unknown, error: unknown): void {
    const { quarantine, metrics, log } = this.#options;
    if (!quarantine || !isRecordFailure(error)) throw error;
    const change = typeof part === 'number' ? (record as Partial<ChangeRecord>) : null;
    const source = typeof entry.batch?.source === 'string' ? entry.batch.source : 'unknown';
    const id =
      typeof part === 'number' ? changeQuarantineId(source, change?.eventId, change?.path) : `${part}-${entry.seq}`;
    quarantine.put({
      id,
      quarantinedAt: this.#now(),
      seq: entry.seq,
      source,
      kind: typeof part === 'number' ? 'change' : part,
      eventId: typeof change?.eventId === 'string' ? change.eventId : null,
      path: typeof change?.path === 'string' ? change.path : null,
      error: describeError(error),
      record,
    });
    metrics.quarantined.inc({ source });
    log.error(
      { err: error, id, source, eventId: change?.eventId, path: change?.path },
      'record quarantined; the drain goes on',
    );
  }

  /** Applying is CPU work chained by microtasks: without a real yield, intake requests would wait for a whole drain. */
  async #yieldWhenBusy(): Promise<void> {
    if (performance.now() - this.#sliceStart < SLICE_MS) return;
    await this.#yieldNow();
  }

  async #yieldNow(): Promise<void> {
    await nextTurn();
    await this.#options.intake?.idle(PAUSE_MS);
    this.#sliceStart = performance.now();
  }

  async #flush(seq: number, received: readonly number[]): Promise<void> {
    const { journal, ledger, metrics, log } = this.#options;
    const commits = await ledger.flush(() => this.#yieldNow());
    await journal.checkpoint(seq);
    const now = this.#now();
    for (const at of received) metrics.commitLatency.observe(Math.max(0, now - at) / 1000);
    log.debug({ seq, commits, batches: received.length }, 'journal drained into the repository');
    for (let index = this.#waiters.length - 1; index >= 0; index -= 1) {
      const waiter = this.#waiters[index] as Waiter;
      if (waiter.seq > seq) continue;
      this.#waiters.splice(index, 1);
      waiter.resolve();
    }
  }
}

/** A journal entry's payload has the shape every batch has (an older or damaged writer aside). */
function isBatch(batch: ChangeBatch): boolean {
  return (
    batch !== null &&
    typeof batch === 'object' &&
    typeof batch.source === 'string' &&
    Array.isArray(batch.changes) &&
    Array.isArray(batch.facts)
  );
}
