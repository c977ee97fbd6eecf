// The units (lines, tree entries) of a delta base by content, for encodeUnitDelta (delta.ts):
// where each distinct unit first occurs. An open-addressing table of byte hashes in typed arrays
// reused from call to call, not a Map keyed by a string per line: at 100k resources those
// strings and maps were the writer's largest source of garbage after the trees (issue 12).

let starts = new Int32Array(1024);
let ends = new Int32Array(1024);
let hashes = new Int32Array(1024);
let mask = 0;
let base: Uint8Array = new Uint8Array(0);

function hashOf(data: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ (data[i] as number), 0x01000193);
  return hash;
}

function sameUnit(data: Uint8Array, start: number, end: number, slot: number): boolean {
  const from = starts[slot] as number;
  if ((ends[slot] as number) - from !== end - start) return false;
  for (let i = 0; i < end - start; i += 1) if (base[from + i] !== data[start + i]) return false;
  return true;
}

/** The slot holding the unit `data[start, end)`, or the empty slot where it would go. */
function slotOf(data: Uint8Array, start: number, end: number, hash: number): number {
  let slot = hash & mask;
  while ((starts[slot] as number) >= 0) {
    if (hashes[slot] === hash && sameUnit(data, start, end, slot)) return slot;
    slot = (slot + 1) & mask;
  }
  return slot;
}

/** Indexes `data`'s units (cut by `unitEnd`); valid until the next call. */
export function indexUnits(data: Uint8Array, unitEnd: (data: Uint8Array, at: number) => number): void {
  let count = 0;
  for (let at = 0; at < data.length; at = unitEnd(data, at)) count += 1;
  let size = 1024;
  while (size < count * 2) size *= 2;
  if (size > starts.length) {
    starts = new Int32Array(size);
    ends = new Int32Array(size);
    hashes = new Int32Array(size);
  }
  mask = size - 1;
  starts.fill(-1, 0, size);
  base = data;
  for (let at = 0; at < data.length; ) {
    const end = unitEnd(data, at);
    const hash = hashOf(data, at, end);
    const slot = slotOf(data, at, end, hash);
    if ((starts[slot] as number) < 0) {
      starts[slot] = at;
      ends[slot] = end;
      hashes[slot] = hash;
    }
    at = end;
  }
}

/** Where the unit `data[start, end)` first occurs in the indexed base, or -1. */
export function findUnit(data: Uint8Array, start: number, end: number): number {
  return starts[slotOf(data, start, end, hashOf(data, start, end))] as number;
}
