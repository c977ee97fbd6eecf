// A commit's subject, body and trailers as the index keeps them: one deflated BLOB (issue 12).
// Messages of one repository are alike (trailer names, subjects, field paths), so each is
// compressed against a preset dictionary sampled from messages the writer recorded before;
// dictionaries live in the index, and a commit names the one it used (none for the first few).
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export interface CommitMessage {
  readonly subject: string;
  readonly body: string;
  readonly trailers: Readonly<Record<string, string>>;
}

/** The first dictionary is sampled after this many messages, each next one after four times as many. */
const FIRST_SAMPLE_AT = 256;
/** Messages kept as samples (a uniform sample of all seen since the writer opened). */
const SAMPLES = 64;
/** Bytes of one dictionary: more compresses a little better but slows every message down. */
const DICTIONARY_BYTES = 8 * 1024;

export class MessageCodec {
  readonly #dictionaries = new Map<number, Buffer>();
  readonly #load: StatementSync;
  readonly #db: DatabaseSync;
  #insert: StatementSync | null = null;
  #current: { id: number; bytes: Buffer } | null = null;
  readonly #samples: string[] = [];
  #seen = 0;
  #nextSample = FIRST_SAMPLE_AT;
  /** The last message decoded, as the text filter reads three parts of each row in turn. */
  #last: { message: Uint8Array; parts: [string, string, string] } | null = null;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#load = db.prepare('SELECT bytes FROM dictionaries WHERE id = ?');
  }

  #dictionary(id: number): Buffer {
    let bytes = this.#dictionaries.get(id);
    if (!bytes) {
      const row = this.#load.get(id) as { bytes: Uint8Array } | undefined;
      if (!row) throw new Error(`index.db: commit message dictionary ${id} is missing`);
      bytes = Buffer.from(row.bytes);
      this.#dictionaries.set(id, bytes);
    }
    return bytes;
  }

  /** Compresses a message (the writer's side; it may store a new dictionary first). */
  encode(message: CommitMessage): { dictionary: number | null; bytes: Buffer } {
    const text = JSON.stringify([message.subject, message.body, message.trailers]);
    this.#sample(text);
    const current = this.#current;
    const bytes = current ? deflateRawSync(text, { dictionary: current.bytes }) : deflateRawSync(text);
    return { dictionary: current?.id ?? null, bytes };
  }

  #sample(text: string): void {
    this.#seen += 1;
    if (this.#samples.length < SAMPLES) this.#samples.push(text);
    else {
      const slot = Math.floor(Math.random() * this.#seen);
      if (slot < SAMPLES) this.#samples[slot] = text;
    }
    if (this.#seen < this.#nextSample) return;
    this.#nextSample *= 4;
    // Deflate finds matches nearest the end of a dictionary cheapest: later samples go last.
    const chosen: string[] = [];
    let size = 0;
    for (let i = this.#samples.length - 1; i >= 0 && size < DICTIONARY_BYTES; i -= 1) {
      const sample = this.#samples[i] as string;
      chosen.unshift(sample);
      size += Buffer.byteLength(sample);
    }
    const bytes = Buffer.from(chosen.join('\n')).subarray(-DICTIONARY_BYTES);
    this.#insert ??= this.#db.prepare('INSERT INTO dictionaries(bytes) VALUES (?)');
    const id = Number(this.#insert.run(bytes).lastInsertRowid);
    this.#dictionaries.set(id, bytes);
    this.#current = { id, bytes };
  }

  /** The subject, body and trailers (as JSON text, the form the text filter searches). */
  parts(dictionary: number | null, message: Uint8Array): [string, string, string] {
    const last = this.#last;
    if (last && Buffer.compare(last.message, message) === 0) return last.parts;
    const text = (
      dictionary === null
        ? inflateRawSync(message)
        : inflateRawSync(message, { dictionary: this.#dictionary(dictionary) })
    ).toString('utf8');
    const [subject, body, trailers] = JSON.parse(text) as [string, string, Record<string, string>];
    const parts: [string, string, string] = [subject, body, JSON.stringify(trailers)];
    this.#last = { message, parts };
    return parts;
  }

  decode(dictionary: number | null, message: Uint8Array): CommitMessage {
    const [subject, body, trailers] = this.parts(dictionary, message);
    return { subject, body, trailers: JSON.parse(trailers) as Record<string, string> };
  }

  /**
   * Registers `gitrail_message(dictionary, message, part)` on the connection: part 0 is the
   * subject, 1 the body, 2 the trailers as JSON text (what the free-text filter matches).
   */
  register(): void {
    this.#db.function(
      'gitrail_message',
      { deterministic: true },
      (dictionary, message, part) =>
        this.parts(dictionary === null ? null : Number(dictionary), message as Uint8Array)[Number(part)] as string,
    );
  }
}
