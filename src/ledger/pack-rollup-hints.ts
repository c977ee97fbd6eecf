// Which whole entries of the packs a roll-up merges become the deltas the writer kept for them
// (pack-hints.ts), and which hints wait for a later roll-up. A hint applies when its object is
// whole in the pack whose hints name it and its base is in the merged pack; an object or base
// that more than one merged pack holds is left alone (the copy kept may be another one, whose
// chain could lead back to the object).
import { writeEntryHeader } from './pack-assembler.ts';
import { findName } from './pack-index-file.ts';
import { type DeltaHint, hintsFileOf, readHints } from './pack-hints.ts';
import type { MergeOrder } from './pack-merge-order.ts';
import { deflateFast } from './zlib-engine.ts';

const OBJ_REF_DELTA = 7;

export interface HintPlan {
  /** Per merged pack, its entries (by `.idx` position) to write as REF_DELTA entries. */
  readonly replace: ReadonlyMap<number, Buffer>[];
  /** Hints whose base is not in the merged pack: the new pack's. */
  readonly carried: DeltaHint[];
}

/** `lists`: the merged packs' `.idx` name tables, then the loose objects' (sorted 20-byte ids). */
export function planHints(
  gitdir: string,
  packBases: readonly string[],
  lists: readonly Buffer[],
  order: MergeOrder,
): HintPlan {
  // Without copies in two packs (droppedCount 0: the usual case) an id is in one list at most, and
  // a base is most often in the list the previous base was in: look there first, stop at a hit.
  const unique = order.droppedCount === 0;
  let lastHit = 0;
  const holding = (oid: Buffer) => {
    if (unique) {
      if (findName(lists[lastHit] as Buffer, oid) >= 0) return 1;
      const hit = lists.findIndex((names) => findName(names, oid) >= 0);
      if (hit >= 0) lastHit = hit;
      return hit >= 0 ? 1 : 0;
    }
    return lists.reduce((count, names) => count + (findName(names, oid) >= 0 ? 1 : 0), 0);
  };
  const replace: Map<number, Buffer>[] = [];
  const carried: DeltaHint[] = [];
  for (const [at, base] of packBases.entries()) {
    const entries = new Map<number, Buffer>();
    replace.push(entries);
    for (const hint of readHints(hintsFileOf(gitdir, base))) {
      const entry = findName(lists[at] as Buffer, hint.oid);
      if (entry < 0 || (order.dropped[at] as Uint8Array)[entry]) continue;
      if (!unique && holding(hint.oid) !== 1) continue;
      const bases = holding(hint.base);
      if (bases === 0) carried.push(hint);
      else if (bases === 1) entries.set(entry, refDeltaEntry(hint));
    }
  }
  return { replace, carried };
}

/**
 * A pack entry holding `hint` as a REF_DELTA: type and size, the base's id, the deflated delta
 * (by one reused zlib stream: a deflateSync each took 5.6 s of a 100k-resource roll-up's 14.9 s).
 */
function refDeltaEntry(hint: DeltaHint): Buffer {
  const head = Buffer.allocUnsafe(16);
  const length = writeEntryHeader(head, 0, OBJ_REF_DELTA, hint.data.length);
  return Buffer.concat([head.subarray(0, length), hint.base, deflateFast(hint.data)]);
}
