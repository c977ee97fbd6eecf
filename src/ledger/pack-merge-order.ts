// The object ids of the packs a roll-up merges, in the merged index's order (pack-rollup.ts): a
// merge of their sorted `.idx` name tables. An object in more than one of them is kept once, in
// the first (the others' copies are dropped from the merged pack).

export interface MergeOrder {
  /** Per merged entry, the list it comes from and its index there. */
  readonly source: Uint16Array;
  readonly entry: Uint32Array;
  /** Per list, 1 for each entry another list holds first. */
  readonly dropped: readonly Uint8Array[];
  readonly droppedCount: number;
}

/** Merges sorted lists of 20-byte ids (`names[i]` holds `names[i].length / 20` of them). */
export function mergeOrder(names: readonly Buffer[]): MergeOrder {
  if (names.length > 0xffff) throw new Error(`cannot merge ${names.length} packs at once`);
  const counts = names.map((list) => list.length / 20);
  const total = counts.reduce((sum, count) => sum + count, 0);
  // The first 6 bytes of each id as a number decide almost every comparison without a call into C++.
  const keys = names.map((list, source) => {
    const key = new Float64Array((counts[source] as number) + 1);
    for (let index = 0; index < (counts[source] as number); index += 1) key[index] = list.readUIntBE(index * 20, 6);
    key[counts[source] as number] = Number.POSITIVE_INFINITY;
    return key;
  });
  const heads = new Uint32Array(names.length);
  const source = new Uint16Array(total);
  const entry = new Uint32Array(total);
  const dropped = counts.map((count) => new Uint8Array(count));
  let droppedCount = 0;
  let out = 0;
  let previous = -1;
  let previousKey = -1;
  for (let step = 0; step < total; step += 1) {
    let best = -1;
    let bestKey = Number.POSITIVE_INFINITY;
    for (let list = 0; list < names.length; list += 1) {
      const key = (keys[list] as Float64Array)[heads[list] as number] as number;
      if (key > bestKey || key === Number.POSITIVE_INFINITY) continue;
      if (key < bestKey || compareIds(names, list, heads[list] as number, best, heads[best] as number) < 0) {
        best = list;
        bestKey = key;
      }
    }
    const index = heads[best] as number;
    heads[best] = index + 1;
    const isRepeat =
      bestKey === previousKey &&
      compareIds(names, best, index, source[previous] as number, entry[previous] as number) === 0;
    previousKey = bestKey;
    if (isRepeat) {
      (dropped[best] as Uint8Array)[index] = 1;
      droppedCount += 1;
      continue;
    }
    source[out] = best;
    entry[out] = index;
    previous = out;
    out += 1;
  }
  return { source: source.subarray(0, out), entry: entry.subarray(0, out), dropped, droppedCount };
}

function compareIds(names: readonly Buffer[], a: number, aIndex: number, b: number, bIndex: number): number {
  const left = names[a] as Buffer;
  return left.compare(names[b] as Buffer, bIndex * 20, bIndex * 20 + 20, aIndex * 20, aIndex * 20 + 20);
}
