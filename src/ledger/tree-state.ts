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
import { EMPTY_TREE_OID, hashObject, makeObject, type GitObject, type TreeEntry, writeOid } from './objects.ts';
import {
  type Directory,
  emptyDirectory,
  fromEntries,
  search,
  spliceDirectory,
  type Update,
  WIDE,
} from './tree-directory.ts';

export type ReadTree = (oid: string) => Promise<readonly TreeEntry[]>;

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
    let directory: Directory | null = this.#loaded ? this.#root : await this.#rootDirectory();
    for (const part of parts) {
      // Loaded folders synchronously: an await per folder was most of the tree's garbage.
      directory = directory.children.get(part) ?? (await this.#child(directory, part, false));
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
    let directory = this.#loaded ? this.#root : await this.#rootDirectory();
    for (const part of parts) {
      const child = directory.children.get(part) ?? (await this.#child(directory, part, oid !== null));
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
    const root = this.#loaded ? this.#root : await this.#rootDirectory();
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
        writeOid(bytes, offset, oid);
        return offset;
      });
      directory.bytes = bytes;
      if (base) delta = encodePatchDelta(previous, bytes, offsets, 20);
    } else {
      spliceDirectory(directory, changed, removed, added);
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
}
