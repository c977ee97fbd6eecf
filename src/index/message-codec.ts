// A commit's subject, body and trailers as the index keeps them (issue 12): messages of 32
// consecutive commits (by seq) are deflated together into one block, so a message costs about
// 50 bytes instead of 450, and a full-text scan inflates one block per 32 commits. A block is
// rewritten when a later batch fills more of its slots.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { type Needle, partMatches, prepareNeedle, searchText } from './text-match.ts';

export interface CommitMessage {
  readonly subject: string;
  readonly body: string;
  readonly trailers: Readonly<Record<string, string>>;
}

/** log2 of the messages per block: the block of commit `seq` is `seq >> BLOCK_BITS`. */
export const BLOCK_BITS = 5;
const SLOT_MASK = (1 << BLOCK_BITS) - 1;

/** One slot: subject, body and the trailers as JSON text (the form the text filter searches). */
type Slot = readonly [subject: string, body: string, trailers: string] | null;

type Entry = readonly [subject: string, body: string, trailers: Readonly<Record<string, string>>];

/** Decoded blocks kept by a reader (each about 15 kB decoded). */
const CACHED_BLOCKS = 64;

/**
 * Characters of blocks' search texts a reader keeps, one byte each (about 8 kB a block, 26 MB
 * for 100k commits of the viewer bench): the blocks a text filter read first, until full, so
 * that a scan of more blocks still finds these (an LRU would keep none of them).
 */
const SEARCH_TEXT_CHARS = 32 * 1024 * 1024;

export class MessageBlocks {
  readonly #db: DatabaseSync;
  readonly #load: StatementSync;
  #store: StatementSync | null = null;
  /**
   * Decoded blocks by id, with the bytes they were decoded from (a block may have been rewritten
   * since); trailers stay parsed: a page of one file's commits reads one message per block.
   */
  readonly #cache = new Map<number, { bytes: Uint8Array; entries: Array<Entry | null> }>();
  /** The running text filter's needle and, by block, which of its slots match (bit = slot). */
  #match: { needle: Needle; masks: Map<number, number> } | null = null;
  /** Search texts of blocks (text-match.ts), with the bytes they were made from, and their total length. */
  readonly #texts = new Map<number, { bytes: Uint8Array; text: string }>();
  #textChars = 0;
  /** Blocks the writer's open transaction fills, as stored: trailers as an object. */
  readonly #pending = new Map<number, Array<Entry | null>>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#load = db.prepare('SELECT bytes FROM messages WHERE block = ?');
  }

  #slotsOfJson(json: Buffer): Slot[] {
    const entries = JSON.parse(json.toString('utf8')) as Array<[string, string, Record<string, string>] | null>;
    return entries.map((entry) => (entry ? [entry[0], entry[1], JSON.stringify(entry[2])] : null));
  }

  #block(block: number): Array<Entry | null> | null {
    const row = this.#load.get(block) as { bytes: Uint8Array } | undefined;
    if (!row) return null;
    const cached = this.#cache.get(block);
    if (cached && Buffer.compare(cached.bytes, row.bytes) === 0) {
      this.#cache.delete(block);
      this.#cache.set(block, cached);
      return cached.entries;
    }
    const entries = JSON.parse(inflateRawSync(row.bytes).toString('utf8')) as Array<Entry | null>;
    this.#cache.set(block, { bytes: row.bytes, entries });
    if (this.#cache.size > CACHED_BLOCKS) this.#cache.delete(this.#cache.keys().next().value as number);
    return entries;
  }

  #entry(seq: number): Entry {
    const entry = this.#block(seq >> BLOCK_BITS)?.[seq & SLOT_MASK];
    if (!entry) throw new Error(`index.db: the message of commit ${seq} is missing`);
    return entry;
  }

  /** The message of commit `seq`: its subject, body and trailers as JSON text (as the text filter reads them). */
  parts(seq: number): readonly [string, string, string] {
    const [subject, body, trailers] = this.#entry(seq);
    return [subject, body, JSON.stringify(trailers)];
  }

  /** The subject of commit `seq`. */
  subject(seq: number): string {
    return this.#entry(seq)[0];
  }

  decode(seq: number): CommitMessage {
    const [subject, body, trailers] = this.#entry(seq);
    // A copy: the decoded block is kept and shared.
    return { subject, body, trailers: { ...trailers } };
  }

  /** Adds the message of a commit the writer just inserted; `flush` stores it. */
  add(seq: number, message: CommitMessage): void {
    const block = seq >> BLOCK_BITS;
    let entries = this.#pending.get(block);
    if (!entries) {
      entries = [...(this.#block(block) ?? [])];
      this.#pending.set(block, entries);
    }
    while (entries.length <= (seq & SLOT_MASK)) entries.push(null);
    entries[seq & SLOT_MASK] = [message.subject, message.body, message.trailers];
  }

  /** Writes the blocks `add` filled (in the writer's transaction). */
  flush(): void {
    this.#store ??= this.#db.prepare('INSERT OR REPLACE INTO messages(block, bytes) VALUES (?, ?)');
    for (const [block, entries] of this.#pending) this.#store.run(block, deflateRawSync(JSON.stringify(entries)));
    this.#pending.clear();
  }

  /** Forgets what `add` gathered (the writer's transaction rolled back). */
  discard(): void {
    this.#pending.clear();
  }

  /**
   * Registers `gitrail_text_match(seq, needle)`: 1 when the subject, the body or the trailers (as
   * JSON text) of commit `seq` contain `needle` as `LIKE '%needle%'` finds it (see text-match.ts),
   * else 0. Each block is read once per statement and needle, and parsed only when its inflated
   * text shows the needle somewhere; call `startScan` before each statement.
   */
  registerTextMatch(): void {
    this.#db.function('gitrail_text_match', { deterministic: true }, (seq, text) => {
      if (this.#match?.needle.text !== text) this.#match = { needle: prepareNeedle(String(text)), masks: new Map() };
      const block = Number(seq) >> BLOCK_BITS;
      let mask = this.#match.masks.get(block);
      if (mask === undefined) {
        mask = this.#blockMask(block, this.#match.needle);
        this.#match.masks.set(block, mask);
      }
      return (mask >>> (Number(seq) & SLOT_MASK)) & 1;
    });
  }

  #blockMask(block: number, needle: Needle): number {
    const row = this.#load.get(block) as { bytes: Uint8Array } | undefined;
    if (!row) return 0;
    let json: Buffer | null = null;
    if (needle.probe !== null) {
      const cached = this.#texts.get(block);
      let text = cached?.text;
      if (!cached || Buffer.compare(cached.bytes, row.bytes) !== 0) {
        json = inflateRawSync(row.bytes);
        text = searchText(json);
        this.#keepText(block, row.bytes, text);
      }
      if (!text?.includes(needle.probe)) return 0;
    }
    let mask = 0;
    this.#slotsOfJson(json ?? inflateRawSync(row.bytes)).forEach((slot, index) => {
      if (slot?.some((part) => partMatches(part, needle))) mask |= 1 << index;
    });
    return mask;
  }

  #keepText(block: number, bytes: Uint8Array, text: string): void {
    const chars = this.#textChars - (this.#texts.get(block)?.text.length ?? 0) + text.length;
    if (chars > SEARCH_TEXT_CHARS) {
      if (this.#texts.delete(block)) this.#textChars = chars - text.length;
      return;
    }
    this.#texts.set(block, { bytes, text });
    this.#textChars = chars;
  }

  /** Forgets what the last statement using `gitrail_text_match` read. */
  startScan(): void {
    this.#match = null;
  }
}
