// One folder of a TreeState (tree-state.ts): its serialised tree, the entries' sort keys and
// the offsets of their ids, and the edits that rebuild it (pure; no I/O).
import { type TreeEntry, writeOid } from './objects.ts';

export interface Directory {
  /** Entries' sort keys in tree order: the name, and for a subdirectory `name/`. */
  keys: string[];
  /** Byte offset of each entry's 20-byte id in `bytes` (a dirty subdirectory's is stale). */
  offsets: number[];
  /** The serialised tree. Never changed in place: a written version may still be staged. */
  bytes: Buffer;
  /** The id of `bytes` when this writer wrote them (the next version's delta base); null if not. */
  base: string | null;
  /** A key holds a code unit of a surrogate or above: compare as UTF-8 bytes, not UTF-16. */
  wide: boolean;
  readonly children: Map<string, Directory>;
  readonly dirtyChildren: Set<string>;
  /** Files set since `bytes` (null: removed), by name. */
  readonly pending: Map<string, string | null>;
  dirty: boolean;
}

const EMPTY = Buffer.alloc(0);
const TREE_MODE = 0x34; // '4' of `40000`; a file's mode starts with '1'
export const WIDE = /[\ud800-\uffff]/;

export function emptyDirectory(): Directory {
  return {
    keys: [],
    offsets: [],
    bytes: EMPTY,
    base: null,
    wide: false,
    children: new Map(),
    dirtyChildren: new Set(),
    pending: new Map(),
    dirty: true,
  };
}

/** git's tree order: byte order of the keys' UTF-8 (the same as string order unless `wide`). */
export function compareKeys(x: string, y: string, wide: boolean): number {
  if (!wide) return x < y ? -1 : x > y ? 1 : 0;
  return Buffer.compare(Buffer.from(x), Buffer.from(y));
}

/** The index of `key` in `keys`, or -(insertion point) - 1. */
export function search(keys: readonly string[], key: string, wide: boolean): number {
  let low = 0;
  let high = keys.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareKeys(keys[middle] as string, key, wide);
    if (order < 0) low = middle + 1;
    else if (order > 0) high = middle - 1;
    else return middle;
  }
  return -low - 1;
}

/** Where entry `index` starts in `bytes`. */
function entryStart(directory: Directory, index: number): number {
  return index === 0 ? 0 : (directory.offsets[index - 1] as number) + 20;
}

export function fromEntries(directory: Directory, entries: readonly TreeEntry[]): void {
  let size = 0;
  for (const entry of entries) size += entry.mode.length + Buffer.byteLength(entry.name) + 22;
  const bytes = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const entry of entries) {
    at += bytes.write(`${entry.mode} ${entry.name}\0`, at);
    directory.offsets.push(at);
    at += bytes.write(entry.oid, at, 20, 'hex');
    const key = entry.mode === '40000' ? `${entry.name}/` : entry.name;
    directory.keys.push(key);
    if (WIDE.test(key)) directory.wide = true;
  }
  directory.bytes = bytes;
}

export interface Update {
  readonly key: string;
  readonly name: string;
  readonly tree: boolean;
  /** Hex id, or null: the entry goes. */
  readonly oid: string | null;
}

/** Rebuilds `directory` with entries added and removed: copied runs of the old bytes, new entries between. */
export function spliceDirectory(
  directory: Directory,
  changed: Array<[number, string]>,
  removed: Set<number>,
  added: Update[],
): void {
  const { wide } = directory;
  added.sort((a, b) => compareKeys(a.key, b.key, wide));
  const old = directory.bytes;
  const oldKeys = directory.keys;
  const oldOffsets = directory.offsets;
  const heads = added.map((update) => `${update.tree ? '40000' : '100644'} ${update.name}\0`);
  let size = old.length;
  for (const index of removed) size -= (oldOffsets[index] as number) + 20 - entryStart(directory, index);
  for (const head of heads) size += Buffer.byteLength(head) + 20;
  const bytes = Buffer.allocUnsafeSlow(size);
  const keys: string[] = [];
  const offsets: number[] = [];
  let at = 0;
  let next = 0;
  const insertBefore = (key: string | null) => {
    while (next < added.length && (key === null || compareKeys((added[next] as Update).key, key, wide) < 0)) {
      const update = added[next] as Update;
      at += bytes.write(heads[next] as string, at);
      offsets.push(at);
      writeOid(bytes, at, update.oid as string);
      at += 20;
      keys.push(update.key);
      next += 1;
    }
  };
  // Kept entries are copied in runs (old bytes [runStart, runEnd)), not one copy per entry.
  let runStart = 0;
  let runEnd = 0;
  for (let index = 0; index < oldKeys.length; index += 1) {
    const key = oldKeys[index] as string;
    const end = (oldOffsets[index] as number) + 20;
    if (next < added.length && compareKeys((added[next] as Update).key, key, wide) < 0) {
      at += old.copy(bytes, at, runStart, runEnd);
      runStart = runEnd;
      insertBefore(key);
    }
    if (removed.has(index)) {
      at += old.copy(bytes, at, runStart, runEnd);
      runStart = end;
      runEnd = end;
      continue;
    }
    offsets.push((oldOffsets[index] as number) + at - runStart);
    runEnd = end;
    keys.push(key);
  }
  at += old.copy(bytes, at, runStart, runEnd);
  insertBefore(null);
  for (const [index, oid] of changed) {
    // Its new place: old offset plus the bytes inserted and removed before it.
    const key = oldKeys[index] as string;
    const place = search(keys, key, wide);
    writeOid(bytes, offsets[place] as number, oid);
  }
  directory.bytes = bytes;
  directory.keys = keys;
  directory.offsets = offsets;
}
