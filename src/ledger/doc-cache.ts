// The current version of recently written files, as deflated JSON by path, so the writer can
// say what the next change of a file changed without reading and parsing its blob. LRU, bounded
// by bytes (100k Kubernetes objects take ~120 MB).
import type { Doc } from '../domain/change.ts';
import { unpackDoc } from './render.ts';

export class DocCache {
  readonly #entries = new Map<string, { oid: string; packed: Uint8Array }>();
  readonly #budget: number;
  #bytes = 0;

  constructor(budgetBytes: number) {
    this.#budget = budgetBytes;
  }

  /** The document of `path` if the cache holds exactly version `oid`. */
  get(path: string, oid: string): Doc | null {
    const entry = this.#entries.get(path);
    return entry?.oid === oid ? unpackDoc(entry.packed) : null;
  }

  set(path: string, oid: string, packed: Uint8Array): void {
    const old = this.#entries.get(path);
    if (old) {
      this.#entries.delete(path);
      this.#bytes -= old.packed.length;
    }
    this.#entries.set(path, { oid, packed });
    this.#bytes += packed.length;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#budget) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.packed.length;
    }
  }
}
