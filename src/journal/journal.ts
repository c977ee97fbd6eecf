// The durable intake log (DESIGN §5): a batch is appended and fdatasynced before its 2xx, with
// concurrent appends sharing one write + sync (group commit); the drainer reads in order and
// checkpoints what is committed, and segments wholly before the checkpoint are deleted.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { ChangeBatch } from '../domain/batch.ts';
import { fsyncDirectory } from '../ledger/durable-file.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.ts';
import { encodeEntry } from './codec.ts';
import { JournalClosedError, JournalError, JournalFullError } from './errors.ts';
import { type JournalEntry, readEntries } from './segment-reader.ts';
import { recoverSegments, segmentPath, type PendingMeta, type Segment } from './segments.ts';

export interface JournalOptions {
  readonly dir: string;
  readonly segmentBytes: number;
  /** Backlog (appended, not checkpointed) above which appends are refused. */
  readonly maxBytes: number;
  readonly log?: Logger;
}

export type { JournalEntry } from './segment-reader.ts';

export interface JournalDepth {
  readonly entries: number;
  readonly bytes: number;
  /** receivedAt of the oldest entry not yet checkpointed, or null. */
  readonly oldestReceivedAt: number | null;
}

interface Queued {
  readonly meta: PendingMeta;
  readonly entry: Buffer;
  readonly resolve: (seq: number) => void;
  readonly reject: (error: unknown) => void;
}

export class Journal {
  readonly dir: string;
  readonly #options: JournalOptions;
  readonly #segments: Segment[];
  readonly #pending: PendingMeta[];
  #pendingBytes: number;
  #checkpoint: number;
  #nextSeq: number;
  #queue: Queued[] = [];
  #writing: Promise<void> | null = null;
  #handle: FileHandle | null = null;
  #cursor: { segment: Segment; offset: number; fd: number | null } | null;
  #failed: Error | null = null;
  #closed = false;
  #waiters: Array<() => void> = [];
  #checkpointing: Promise<void> = Promise.resolve();

  private constructor(options: JournalOptions, checkpoint: number, recovered: ReturnType<typeof recoverSegments>) {
    this.dir = options.dir;
    this.#options = options;
    this.#segments = recovered.segments;
    this.#pending = recovered.pending;
    this.#pendingBytes = recovered.pending.reduce((sum, meta) => sum + meta.bytes, 0);
    this.#checkpoint = checkpoint;
    this.#nextSeq = recovered.lastSeq + 1;
    const last = recovered.segments.at(-1);
    // With nothing to replay the reader starts where the next append will go.
    this.#cursor = recovered.cursor
      ? { ...recovered.cursor, fd: null }
      : last
        ? { segment: last, offset: last.size, fd: null }
        : null;
  }

  static open(options: JournalOptions): Journal {
    mkdirSync(options.dir, { recursive: true });
    const checkpoint = readCheckpoint(options.dir);
    const recovered = recoverSegments(options.dir, checkpoint);
    if (recovered.truncatedBytes > 0)
      options.log?.warn({ bytes: recovered.truncatedBytes }, 'journal tail from an interrupted write cut off');
    const journal = new Journal(options, checkpoint, recovered);
    if (recovered.pending.length > 0)
      options.log?.info({ entries: recovered.pending.length, after: checkpoint }, 'journal entries to replay');
    return journal;
  }

  /** The last seq whose batch the ledger has committed. */
  get checkpointed(): number {
    return this.#checkpoint;
  }

  /** The seq the latest append got (durable or about to be). */
  get lastAssigned(): number {
    return this.#nextSeq - 1;
  }

  depth(): JournalDepth {
    const queuedBytes = this.#queue.reduce((sum, item) => sum + item.entry.length, 0);
    const oldest = this.#pending[0] ?? this.#queue[0]?.meta;
    return {
      entries: this.#pending.length + this.#queue.length,
      bytes: this.#pendingBytes + queuedBytes,
      oldestReceivedAt: oldest ? oldest.receivedAt : null,
    };
  }

  /** Appends a batch; resolves with its seq once it is on disk (fdatasync). */
  append(batch: ChangeBatch): Promise<number> {
    return this.appendJson(batch.receivedAt, Buffer.from(JSON.stringify(batch)));
  }

  /** Appends a batch already serialised (`JSON.stringify` of a ChangeBatch received at `receivedAt`), as append. */
  appendJson(receivedAt: number, json: Uint8Array): Promise<number> {
    if (this.#closed) return Promise.reject(new JournalClosedError());
    if (this.#failed)
      return Promise.reject(
        new JournalError(`${this.dir}: the journal cannot be written since an earlier failure; restart gitrail`, {
          cause: this.#failed,
        }),
      );
    const depth = this.depth();
    if (depth.bytes >= this.#options.maxBytes) {
      return Promise.reject(
        new JournalFullError(
          `the backlog of ${depth.bytes} bytes not yet committed is over journal.maxBytes ` +
            `(${this.#options.maxBytes}); retry later`,
        ),
      );
    }
    const meta = { seq: this.#nextSeq, receivedAt, bytes: 0 };
    this.#nextSeq += 1;
    const entry = encodeEntry(meta, json);
    return new Promise((resolve, reject) => {
      this.#queue.push({ meta: { ...meta, bytes: entry.length }, entry, resolve, reject });
      this.#startWriting();
    });
  }

  #startWriting(): void {
    if (this.#writing || this.#queue.length === 0) return;
    this.#writing = this.#writeQueued().finally(() => {
      this.#writing = null;
      // An append that came while the last group was finishing.
      this.#startWriting();
    });
  }

  async #writeQueued(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue.splice(0);
      try {
        if (this.#failed) throw this.#failed;
        const segment = await this.#activeSegment((group[0] as Queued).meta.seq);
        const handle = this.#handle as FileHandle;
        const data = group.length === 1 ? (group[0] as Queued).entry : Buffer.concat(group.map((item) => item.entry));
        let written = 0;
        while (written < data.length)
          written += (await handle.write(data, written, data.length - written, segment.size + written)).bytesWritten;
        await handle.datasync();
        segment.size += data.length;
        segment.lastSeq = (group.at(-1) as Queued).meta.seq;
        for (const item of group) {
          this.#pending.push(item.meta);
          this.#pendingBytes += item.meta.bytes;
        }
      } catch (error) {
        // What reached the file is unknown: fail this group and every later append.
        this.#failed ??= error instanceof Error ? error : new Error(String(error));
        this.#options.log?.error({ err: error }, 'journal write failed');
        for (const item of group)
          item.reject(new JournalError(`${this.dir}: cannot append to the journal`, { cause: error }));
        continue;
      }
      for (const item of group) item.resolve(item.meta.seq);
      this.#wakeReaders();
    }
  }

  /** The segment to append to, starting a new one when the current one is full. */
  async #activeSegment(firstSeq: number): Promise<Segment> {
    let segment = this.#segments.at(-1);
    if (segment && segment.size >= this.#options.segmentBytes) {
      await this.#handle?.close();
      this.#handle = null;
      segment = undefined;
    }
    if (!segment) {
      segment = { firstSeq, path: segmentPath(this.dir, firstSeq), size: 0, lastSeq: firstSeq - 1 };
      this.#handle = await open(segment.path, 'wx', 0o600);
      fsyncDirectory(this.dir);
      this.#segments.push(segment);
      this.#cursor ??= { segment, offset: 0, fd: null };
    }
    this.#handle ??= await open(segment.path, 'r+');
    return segment;
  }

  /** Resolves at the next durable append (or at once when entries are waiting to be read). */
  whenReadable(): Promise<void> {
    if (this.#hasUnread()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Resolves every whenReadable: after a durable append, and at close. */
  #wakeReaders(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #hasUnread(): boolean {
    const cursor = this.#cursor;
    if (!cursor) return false;
    return cursor.offset < cursor.segment.size || this.#segments.indexOf(cursor.segment) < this.#segments.length - 1;
  }

  /** The next durable entries after what was read before, in order; [] when there are none. */
  readNext(maxEntries: number, maxBytes: number): JournalEntry[] {
    const out: JournalEntry[] = [];
    let bytes = 0;
    while (out.length < maxEntries && bytes < maxBytes) {
      const cursor = this.#cursor;
      if (!cursor) break;
      if (cursor.offset >= cursor.segment.size) {
        const next = this.#segments[this.#segments.indexOf(cursor.segment) + 1];
        if (!next) break;
        if (cursor.fd !== null) closeSync(cursor.fd);
        this.#cursor = { segment: next, offset: 0, fd: null };
        continue;
      }
      cursor.fd ??= openSync(cursor.segment.path, 'r');
      const read = readEntries(cursor.fd, cursor.segment, cursor.offset, maxEntries - out.length, maxBytes - bytes);
      out.push(...read.entries);
      bytes += read.bytes;
      cursor.offset += read.bytes;
    }
    return out;
  }

  /** Records that every entry up to `seq` is committed, durably; deletes segments wholly before it. */
  checkpoint(seq: number): Promise<void> {
    // One checkpoint write at a time: they share the file's temp name.
    const run = this.#checkpointing.then(() => this.#writeCheckpoint(seq));
    this.#checkpointing = run.catch(() => undefined);
    return run;
  }

  async #writeCheckpoint(seq: number): Promise<void> {
    if (seq <= this.#checkpoint) return;
    await writeCheckpoint(this.dir, seq);
    this.#checkpoint = seq;
    while (this.#pending.length > 0 && (this.#pending[0] as PendingMeta).seq <= seq)
      this.#pendingBytes -= (this.#pending.shift() as PendingMeta).bytes;
    const reading = this.#cursor?.segment;
    while (this.#segments.length > 1) {
      const first = this.#segments[0] as Segment;
      if (first.lastSeq > seq || first === reading) break;
      this.#segments.shift();
      await rm(first.path, { force: true });
    }
  }

  /** Refuses new appends and waits for the ones in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#writing) await this.#writing;
    await this.#handle?.close();
    this.#handle = null;
    if (this.#cursor?.fd != null) closeSync(this.#cursor.fd);
    if (this.#cursor) this.#cursor.fd = null;
    this.#wakeReaders();
  }
}
