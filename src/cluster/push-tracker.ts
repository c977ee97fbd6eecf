// Which stream messages a shard's remote already reflects, so the stream may drop them. After
// each flush the writer notes (sequence, branch heads); a push reports, per branch, the head the
// remote now holds. A branch at head H reflects every message up to the last flush that left it
// at H; the remote reflects the lowest of that over the branches. Branches are pushed one by
// one, so each is judged alone. Pure: no I/O.
import type { Branch } from '../domain/change.ts';
import type { BranchHeads } from './shard-registry.ts';

interface Flushed {
  readonly seq: number;
  readonly heads: BranchHeads;
}

const BRANCHES: readonly Branch[] = ['main', 'activity'];

export class PushTracker {
  readonly #flushes: Flushed[] = [];
  readonly #pushed = new Map<Branch, string | null>();
  #reflected: number;

  /** Starts from a restored repository: `seq` is what its heads reflect. */
  constructor(seq: number, heads: BranchHeads, remoteHeads: BranchHeads | null) {
    this.#flushes.push({ seq, heads });
    this.#reflected =
      remoteHeads && remoteHeads.main === heads.main && remoteHeads.activity === heads.activity ? seq : 0;
    if (remoteHeads && this.#reflected === seq) for (const branch of BRANCHES) this.#pushed.set(branch, heads[branch]);
  }

  /** The highest sequence the remote reflects (0 until known). */
  get reflected(): number {
    return this.#reflected;
  }

  /** The remote's heads as last reported (null for a branch not pushed yet or without commits). */
  pushedHeads(): BranchHeads {
    return { main: this.#pushed.get('main') ?? null, activity: this.#pushed.get('activity') ?? null };
  }

  /** A flush made the branches `heads` once everything up to `seq` was applied. */
  flushed(seq: number, heads: BranchHeads): number {
    this.#flushes.push({ seq, heads });
    return this.#update();
  }

  /** The remote now holds `head` on `branch` (null: the branch has no commits to push). */
  pushed(branch: Branch, head: string | null): number {
    this.#pushed.set(branch, head);
    return this.#update();
  }

  /** Recomputes what the remote reflects; returns it. */
  #update(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const branch of BRANCHES) {
      if (!this.#pushed.has(branch)) return this.#reflected;
      const head = this.#pushed.get(branch) ?? null;
      const matching = this.#flushes.filter((flush) => flush.heads[branch] === head);
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
