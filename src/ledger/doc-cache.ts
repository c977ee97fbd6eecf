// The current version of recently written files, as deflated JSON by path, so the writer can
// say what the next change of a file changed without reading and parsing its blob. Bounded by
// bytes (100k Kubernetes objects take ~35 MB).
//
// The bytes live in a log of large slabs, not one small allocation per file: a cache entry
// lives long and is replaced at random, and a hundred thousand of them scattered through the
// C heap kept it from ever shrinking (issue 12: the writer's malloc heap grew to three times
// the memory it held). The oldest slab is cleaned (its live entries copied to the head of the
// log, the slab freed whole) when the slabs exceed the budget, forgetting the entries past 3/4
// of it, and when replaced versions take a quarter of the slabs' bytes: a backfill that
// rewrites files kept them until the budget was reached (issue 12: 59 MB of slabs holding
// 40 MB of documents at 100k resources). The map keeps the entries in log order, oldest first.
import type { Doc } from '../domain/change.ts';
import { unpackDoc } from './render.ts';

/** Slab size: large enough to be few, small enough that one slab is a small part of a budget. */
const MAX_SLAB_BYTES = 1024 * 1024;
/** Replaced versions may take this part of the live entries' bytes before the oldest slab is cleaned. */
const MAX_GARBAGE = 1 / 4;
/** ...if at least this part of it is garbage (cleaning copies the rest). */
const MIN_SLAB_GARBAGE = 1 / 8;

/** A file's version: at `at` in its slab, its 20-byte id, then `length` bytes of deflated JSON. */
interface Entry {
  readonly slab: Slab;
  readonly at: number;
  readonly length: number;
}

const OID_BYTES = 20;

interface Slab {
  readonly bytes: Uint8Array;
  used: number;
  /** Bytes of the entries of the cache in this slab. */
  live: number;
}

export class DocCache {
  readonly #entries = new Map<string, Entry>();
  readonly #slabs: Slab[] = [];
  readonly #budget: number;
  readonly #slabBytes: number;
  /** Bytes of the entries the cache holds (the slabs also hold replaced ones until cleaned). */
  #liveBytes = 0;
  /** Bytes written into the slabs, live or replaced. */
  #usedBytes = 0;

  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
    this.#slabBytes = Math.max(4096, Math.min(MAX_SLAB_BYTES, Math.floor(budgetBytes / 8)));
  }

  /** The document of `path` if the cache holds exactly version `oid`. */
  get(path: string, oid: string): Doc | null {
    const entry = this.#entries.get(path);
    if (!entry) return null;
    const { bytes } = entry.slab;
    const data = entry.at + OID_BYTES;
    if (Buffer.from(bytes.buffer, bytes.byteOffset + entry.at, OID_BYTES).toString('hex') !== oid) return null;
    return unpackDoc(bytes.subarray(data, data + entry.length));
  }

  /** Remembers `packed` (copied: the caller's array is not kept) as the version `oid` (hex) of `path`. */
  set(path: string, oid: string, packed: Uint8Array): void {
    this.#forget(path);
    if (packed.length + OID_BYTES > this.#slabBytes) return;
    this.#append(path, Buffer.from(oid, 'hex'), packed);
    while (this.#slabs.length > 1 && this.bytes > this.#budget) this.#clean(true);
    while (this.#slabs.length > 2 && this.#wasteful(this.#slabs[0] as Slab)) this.#clean(false);
  }

  /** Replaced versions are too many, and enough of them are in `oldest` that cleaning it is worth its copying. */
  #wasteful(oldest: Slab): boolean {
    const garbage = this.#usedBytes - this.#liveBytes;
    return garbage > this.#liveBytes * MAX_GARBAGE && oldest.used - oldest.live >= oldest.used * MIN_SLAB_GARBAGE;
  }

  /** Bytes the cache holds in memory (its slabs). */
  get bytes(): number {
    return this.#slabs.length * this.#slabBytes;
  }

  #forget(path: string): void {
    const old = this.#entries.get(path);
    if (!old) return;
    this.#entries.delete(path);
    this.#liveBytes -= OID_BYTES + old.length;
    old.slab.live -= OID_BYTES + old.length;
  }

  #append(path: string, oid: Uint8Array, packed: Uint8Array): void {
    let head = this.#slabs.at(-1);
    if (!head || head.used + OID_BYTES + packed.length > head.bytes.length) {
      head = { bytes: new Uint8Array(this.#slabBytes), used: 0, live: 0 };
      this.#slabs.push(head);
    }
    head.bytes.set(oid, head.used);
    head.bytes.set(packed, head.used + OID_BYTES);
    this.#entries.set(path, { slab: head, at: head.used, length: packed.length });
    head.used += OID_BYTES + packed.length;
    head.live += OID_BYTES + packed.length;
    this.#usedBytes += OID_BYTES + packed.length;
    this.#liveBytes += OID_BYTES + packed.length;
  }

  /**
   * Frees the oldest slab, moving its live entries to the head of the log (`overBudget`: while the
   * live ones stay within 3/4 of the budget). They are the first entries of the map, in log order.
   */
  #clean(overBudget: boolean): void {
    const oldest = this.#slabs.shift() as Slab;
    this.#usedBytes -= oldest.used;
    for (const [path, entry] of this.#entries) {
      if (entry.slab !== oldest) break;
      this.#forget(path);
      const data = entry.at + OID_BYTES;
      if (!overBudget || this.#liveBytes + OID_BYTES + entry.length <= (this.#budget * 3) / 4)
        this.#append(path, oldest.bytes.subarray(entry.at, data), oldest.bytes.subarray(data, data + entry.length));
    }
  }
}
