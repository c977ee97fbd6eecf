// Which stream messages a shard's remote already reflects, so the stream may drop them. After
// each flush the writer notes (sequence, branch heads); a push reports, per branch, the head the
// remote now holds. A branch at head H reflects every message up to the last flush that left it
// at H; the remote reflects the lowest of that over the branches (main, activity and each
// retention rule's line). Branches are pushed one by one, so each is judged alone. Pure: no I/O.
import type { BranchHeads } from './shard-registry.ts';

/** Heads by branch name: `main`, `activity`, `activity-<rule>`; null for a branch without commits. */
export type Heads = ReadonlyMap<string, string | null>;

interface Flushed {
  readonly seq: number;
  readonly heads: Heads;
}

/** `{ main, activity }` as a map of heads (a shard without retention lines). */
export function headsOf(heads: BranchHeads): Heads {
  return new Map([
    ['main', heads.main],
    ['activity', heads.activity],
  ]);
}

export class PushTracker {
  readonly #branches: readonly string[];
  readonly #flushes: Flushed[] = [];
  readonly #pushed = new Map<string, string | null>();
  #reflected: number;

  /** Starts from a restored repository: `seq` is what its heads reflect; a branch level with the remote is pushed. */
  constructor(seq: number, heads: Heads, remoteHeads: Heads | null) {
    this.#branches = [...heads.keys()];
    this.#flushes.push({ seq, heads });
    if (remoteHeads)
      for (const [branch, head] of heads)
        if ((remoteHeads.get(branch) ?? null) === head) this.#pushed.set(branch, head);
    this.#reflected = this.#pushed.size === this.#branches.length ? seq : 0;
  }

  /** The highest sequence the remote reflects (0 until known). */
  get reflected(): number {
    return this.#reflected;
  }

  /** The remote's heads of main and activity as last reported (null: not pushed yet or without commits). */
  pushedHeads(): BranchHeads {
    return { main: this.#pushed.get('main') ?? null, activity: this.#pushed.get('activity') ?? null };
  }

  /** A flush made the branches `heads` once everything up to `seq` was applied. */
  flushed(seq: number, heads: Heads): number {
    this.#flushes.push({ seq, heads });
    return this.#update();
  }

  /** The remote now holds `head` on `branch` (null: the branch has no commits to push). */
  pushed(branch: string, head: string | null): number {
    this.#pushed.set(branch, head);
    return this.#update();
  }

  /** Recomputes what the remote reflects; returns it. */
  #update(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const branch of this.#branches) {
      if (!this.#pushed.has(branch)) return this.#reflected;
      const head = this.#pushed.get(branch) ?? null;
      const matching = this.#flushes.filter((flush) => (flush.heads.get(branch) ?? null) === head);
      if (matching.length === 0) return this.#reflected;
      lowest = Math.min(lowest, Math.max(...matching.map((flush) => flush.seq)));
    }
    if (lowest > this.#reflected) {
      this.#reflected = lowest;
      // Older flushes can no longer decide anything: a branch's later flushes hold the same head.
      while (this.#flushes.length > 1 && (this.#flushes[0] as Flushed).seq < lowest) this.#flushes.shift();
    }
    return this.#reflected;
  }
}
