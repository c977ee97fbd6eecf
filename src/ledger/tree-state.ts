// The current tree of one branch, in memory and loaded lazily per directory. Setting a file
// marks only the directories on its path dirty; writing serialises just those, bottom-up, and
// offers a delta against the directory's last version (a 2,000-entry folder is an 80 KB tree;
// its delta is a few dozen bytes).
//
// A directory is held as its serialised tree itself, with its entries' sort keys and the offset
// of each entry's 20-byte id, not as an object per entry (issue 12: at 100k resources the
// per-entry objects, their hex ids and a full re-sort and re-serialisation on each new file
// were most of the writer's garbage). A change rewrites ids in a copy; a new or removed entry
// is spliced in at its place (found by binary search) between copied runs of the old bytes.
import { encodeDelta, encodePatchDelta } from './delta.ts';
import { EMPTY_TREE_OID, hashObject, makeObject, type GitObject, type TreeEntry } from './objects.ts';

export type ReadTree = (oid: string) => Promise<readonly TreeEntry[]>;

interface Directory {
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
const WIDE = /[\ud800-\uffff]/;

function emptyDirectory(): Directory {
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
function compareKeys(x: string, y: string, wide: boolean): number {
  if (!wide) return x < y ? -1 : x > y ? 1 : 0;
  return Buffer.compare(Buffer.from(x), Buffer.from(y));
}

/** The index of `key` in `keys`, or -(insertion point) - 1. */
function search(keys: readonly string[], key: string, wide: boolean): number {
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

function fromEntries(directory: Directory, entries: readonly TreeEntry[]): void {
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

interface Update {
  readonly key: string;
  readonly name: string;
  readonly tree: boolean;
  /** Hex id, or null: the entry goes. */
  readonly oid: string | null;
}

export class TreeState {
  #root: Directory;
  #rootOid: string;
  readonly #readTree: ReadTree;
  #loaded: boolean;

  constructor(rootOid: string | null, readTree: ReadTree) {
    this.#readTree = readTree;
    this.#rootOid = rootOid ?? EMPTY_TREE_OID;
    this.#root = emptyDirectory();
    this.#root.dirty = false;
    this.#loaded = rootOid === null;
  }

  async #rootDirectory(): Promise<Directory> {
    if (!this.#loaded) {
      fromEntries(this.#root, await this.#readTree(this.#rootOid));
      this.#root.dirty = false;
      this.#loaded = true;
    }
    return this.#root;
  }

  /** What `name` is in `directory` now: a subdirectory, a file (its id), or nothing. */
  #entry(directory: Directory, name: string): { tree: true; oid: string } | { tree: false; oid: string } | null {
    const child = directory.children.get(name);
    if (child) return { tree: true, oid: '' };
    const pending = directory.pending.get(name);
    if (pending !== undefined) return pending === null ? null : { tree: false, oid: pending };
    const wide = directory.wide || WIDE.test(name);
    const file = search(directory.keys, name, wide);
    if (file >= 0) {
      const at = directory.offsets[file] as number;
      return { tree: false, oid: directory.bytes.toString('hex', at, at + 20) };
    }
    const tree = search(directory.keys, `${name}/`, wide);
    if (tree < 0) return null;
    const at = directory.offsets[tree] as number;
    return { tree: true, oid: directory.bytes.toString('hex', at, at + 20) };
  }

  async #child(parent: Directory, name: string, create: boolean): Promise<Directory | null> {
    const cached = parent.children.get(name);
    if (cached) return cached;
    const entry = this.#entry(parent, name);
    if (entry && !entry.tree) return null;
    if (!entry && !create) return null;
    const child = emptyDirectory();
    if (entry) {
      fromEntries(child, await this.#readTree(entry.oid));
      child.dirty = false;
      // Another call may have loaded it meanwhile.
      const raced = parent.children.get(name);
      if (raced) return raced;
    }
    parent.children.set(name, child);
    return child;
  }

  /** The blob id at `path`, or null when there is no file there. */
  async getFile(path: string): Promise<string | null> {
    const parts = path.split('/');
    const file = parts.pop() as string;
    let directory: Directory | null = await this.#rootDirectory();
    for (const part of parts) {
      directory = await this.#child(directory, part, false);
      if (!directory) return null;
    }
    const entry = this.#entry(directory, file);
    return entry && !entry.tree ? entry.oid : null;
  }

  /** Sets (or with null removes) the file at `path`; returns whether the tree changed. */
  async setFile(path: string, oid: string | null): Promise<boolean> {
    const parts = path.split('/');
    const file = parts.pop() as string;
    const chain: Array<[Directory, string]> = [];
    let directory = await this.#rootDirectory();
    for (const part of parts) {
      const child = await this.#child(directory, part, oid !== null);
      if (!child) return false;
      chain.push([directory, part]);
      directory = child;
    }
    const existing = this.#entry(directory, file);
    if (existing?.tree) return false;
    if (oid === null ? !existing : existing?.oid === oid) return false;
    directory.pending.set(file, oid);
    directory.dirty = true;
    for (const [parent, name] of chain) {
      parent.dirty = true;
      parent.dirtyChildren.add(name);
    }
    return true;
  }

  /** Serialises every dirty directory; returns the root tree id and the new tree objects. */
  async write(): Promise<{ oid: string; objects: GitObject[] }> {
    const root = await this.#rootDirectory();
    if (!root.dirty) return { oid: this.#rootOid, objects: [] };
    const objects: GitObject[] = [];
    const oid = this.#writeDirectory(root, objects) ?? EMPTY_TREE_OID;
    if (oid === EMPTY_TREE_OID) objects.push(makeObject('tree', new Uint8Array()));
    this.#rootOid = oid;
    return { oid, objects };
  }

  /** Serialises a dirty directory; returns its oid, or null when it is empty (and must disappear). */
  #writeDirectory(directory: Directory, objects: GitObject[]): string | null {
    const updates: Update[] = [];
    for (const [name, oid] of directory.pending) updates.push({ key: name, name, tree: false, oid });
    for (const name of directory.dirtyChildren) {
      const oid = this.#writeDirectory(directory.children.get(name) as Directory, objects);
      if (oid === null) directory.children.delete(name);
      updates.push({ key: `${name}/`, name, tree: true, oid });
    }
    directory.pending.clear();
    directory.dirtyChildren.clear();
    directory.dirty = false;
    const previous = directory.bytes;
    const base = directory.base;
    const changed: Array<[number, string]> = [];
    const removed = new Set<number>();
    const added: Update[] = [];
    for (const update of updates) {
      if (WIDE.test(update.key)) directory.wide = true;
      const index = search(directory.keys, update.key, directory.wide);
      if (index < 0) {
        if (update.oid !== null) added.push(update);
      } else if (update.oid === null) removed.add(index);
      else changed.push([index, update.oid]);
    }
    let delta: Uint8Array | null = null;
    if (added.length === 0 && removed.size === 0) {
      // Same names: copy the last tree and overwrite the ids that changed.
      const bytes = Buffer.allocUnsafeSlow(previous.length);
      previous.copy(bytes);
      const offsets = changed.map(([index, oid]) => {
        const offset = directory.offsets[index] as number;
        bytes.write(oid, offset, 20, 'hex');
        return offset;
      });
      directory.bytes = bytes;
      if (base) delta = encodePatchDelta(previous, bytes, offsets, 20);
    } else {
      this.#splice(directory, changed, removed, added);
      if (base) delta = encodeDelta(previous, directory.bytes);
    }
    if (directory.keys.length === 0) {
      directory.base = null;
      return null;
    }
    const content = directory.bytes;
    const oid = hashObject('tree', content);
    directory.base = oid;
    objects.push(
      base && delta && base !== oid
        ? { type: 'tree', oid, content, delta: { base, data: delta } }
        : { type: 'tree', oid, content },
    );
    return oid;
  }

  /** Rebuilds `directory` with entries added and removed: copied runs of the old bytes, new entries between. */
  #splice(directory: Directory, changed: Array<[number, string]>, removed: Set<number>, added: Update[]): void {
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
        at += bytes.write(update.oid as string, at, 20, 'hex');
        keys.push(update.key);
        next += 1;
      }
    };
    for (let index = 0; index < oldKeys.length; index += 1) {
      const key = oldKeys[index] as string;
      const start = entryStart(directory, index);
      const end = (oldOffsets[index] as number) + 20;
      insertBefore(key);
      if (removed.has(index)) continue;
      offsets.push((oldOffsets[index] as number) + at - start);
      at += old.copy(bytes, at, start, end);
      keys.push(key);
    }
    insertBefore(null);
    for (const [index, oid] of changed) {
      // Its new place: old offset plus the bytes inserted and removed before it.
      const key = oldKeys[index] as string;
      const place = search(keys, key, wide);
      bytes.write(oid, offsets[place] as number, 20, 'hex');
    }
    directory.bytes = bytes;
    directory.keys = keys;
    directory.offsets = offsets;
  }
}
