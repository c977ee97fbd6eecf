// Which whole entries of the packs a roll-up merges become the deltas the writer kept for them
// (pack-hints.ts), and which hints wait for a later roll-up. A hint applies when its object is
// whole in the pack whose hints name it and its base is in the merged pack; an object or base
// that more than one merged pack holds is left alone (the copy kept may be another one, whose
// chain could lead back to the object).
import { deflateSync } from 'node:zlib';
import { writeEntryHeader } from './pack-assembler.ts';
import { type DeltaHint, hintsFileOf, readHints } from './pack-hints.ts';
import type { MergeOrder } from './pack-merge-order.ts';

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
  const holding = (oid: Buffer) => lists.reduce((count, names) => count + (findName(names, oid) >= 0 ? 1 : 0), 0);
  const replace: Map<number, Buffer>[] = [];
  const carried: DeltaHint[] = [];
  for (const [at, base] of packBases.entries()) {
    const entries = new Map<number, Buffer>();
    replace.push(entries);
    for (const hint of readHints(hintsFileOf(gitdir, base))) {
      const entry = findName(lists[at] as Buffer, hint.oid);
      if (entry < 0 || (order.dropped[at] as Uint8Array)[entry] || holding(hint.oid) !== 1) continue;
      const bases = holding(hint.base);
      if (bases === 0) carried.push(hint);
      else if (bases === 1) entries.set(entry, refDeltaEntry(hint));
    }
  }
  return { replace, carried };
}

/** A pack entry holding `hint` as a REF_DELTA: type and size, the base's id, the deflated delta. */
function refDeltaEntry(hint: DeltaHint): Buffer {
  const head = Buffer.allocUnsafe(16);
  const length = writeEntryHeader(head, 0, OBJ_REF_DELTA, hint.data.length);
  return Buffer.concat([head.subarray(0, length), hint.base, deflateSync(hint.data)]);
}

/** The position of `oid` in a sorted table of 20-byte ids, or -1. */
export function findName(names: Buffer, oid: Buffer): number {
  let low = 0;
  let high = names.length / 20 - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = names.compare(oid, 0, 20, middle * 20, middle * 20 + 20);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
