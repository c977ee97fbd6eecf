// The current tree of one branch, in memory and loaded lazily per directory. Setting a file
// marks only the directories on its path dirty; writing serialises just those, bottom-up, each
// by patching its last serialised form when only entry ids changed, and offers a delta against
// that last version (a 2,000-entry folder is an 80 KB tree; its delta is a few dozen bytes).
import { encodeDelta, encodePatchDelta } from './delta.ts';
import {
  compareTreeEntries,
  EMPTY_TREE_OID,
  hashObject,
  makeObject,
  serializeTree,
  treeEntryHead,
  type GitObject,
  type TreeEntry,
} from './objects.ts';

export type ReadTree = (oid: string) => Promise<readonly TreeEntry[]>;

/** A directory's last serialised tree: patched in place when only entry ids change. */
interface Layout {
  readonly bytes: Buffer;
  readonly oid: string;
  /** Byte offset of each entry's 20-byte id in `bytes`. */
  readonly oidAt: ReadonlyMap<string, number>;
}

interface Directory {
  /** Entries by name; a subdirectory's id is stale while it is dirty. */
  readonly entries: Map<string, TreeEntry>;
  readonly children: Map<string, Directory>;
  readonly dirtyChildren: Set<string>;
  /** Entries whose id changed since `layout` was written, with the same names present. */
  readonly changed: Set<string>;
  /** Entries were added or removed since `layout`: serialise from scratch. */
  reshaped: boolean;
  layout: Layout | null;
  dirty: boolean;
}

function emptyDirectory(): Directory {
  return {
    entries: new Map(),
    children: new Map(),
    dirtyChildren: new Set(),
    changed: new Set(),
    reshaped: true,
    layout: null,
    dirty: true,
  };
}

/**
 * A copy in its own memory. Node hands out small Buffers as slices of a shared 64 KiB pool, so a
 * kept one (a directory's layout, live until the directory changes) would pin a whole pool slab:
 * at 100k resources that made the tree cache hundreds of MB instead of a few dozen.
 */
function ownCopy(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  copy.set(bytes);
  return copy;
}

function serializeLayout(entries: Iterable<TreeEntry>): { bytes: Buffer; oidAt: Map<string, number> } {
  const sorted = [...entries].sort(compareTreeEntries);
  const heads = sorted.map(treeEntryHead);
  const oidAt = new Map<string, number>();
  let at = 0;
  sorted.forEach((entry, index) => {
    at += (heads[index] as Buffer).length;
    oidAt.set(entry.name, at);
    at += 20;
  });
  return { bytes: ownCopy(serializeTree(sorted, heads)), oidAt };
}

export class TreeState {
  #root: Directory;
  #rootOid: string;
  readonly #readTree: ReadTree;

  constructor(rootOid: string | null, readTree: ReadTree) {
    this.#readTree = readTree;
    this.#rootOid = rootOid ?? EMPTY_TREE_OID;
    this.#root = emptyDirectory();
    this.#root.dirty = false;
    this.#loaded = rootOid === null;
  }

  #loaded: boolean;

  async #load(directory: Directory, oid: string): Promise<void> {
    for (const entry of await this.#readTree(oid)) directory.entries.set(entry.name, entry);
  }

  async #rootDirectory(): Promise<Directory> {
    if (!this.#loaded) {
      await this.#load(this.#root, this.#rootOid);
      this.#root.dirty = false;
      this.#loaded = true;
    }
    return this.#root;
  }

  async #child(parent: Directory, name: string, create: boolean): Promise<Directory | null> {
    const cached = parent.children.get(name);
    if (cached) return cached;
    const entry = parent.entries.get(name);
    if (entry && entry.mode !== '40000') return null;
    if (!entry && !create) return null;
    const child = emptyDirectory();
    if (entry) {
      await this.#load(child, entry.oid);
      child.dirty = false;
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
    const entry = directory.entries.get(file);
    return entry && entry.mode !== '40000' ? entry.oid : null;
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
    const existing = directory.entries.get(file);
    if (oid === null) {
      if (!existing) return false;
      directory.entries.delete(file);
      directory.reshaped = true;
    } else {
      if (existing?.oid === oid) return false;
      if (existing?.mode === '40000') return false;
      directory.entries.set(file, { name: file, mode: '100644', oid });
      if (existing) directory.changed.add(file);
      else directory.reshaped = true;
    }
    directory.dirty = true;
    for (const [parent, name] of chain) {
      parent.dirty = true;
      parent.dirtyChildren.add(name);
      if (!parent.entries.has(name)) {
        parent.entries.set(name, { name, mode: '40000', oid: EMPTY_TREE_OID });
        parent.reshaped = true;
      }
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
    for (const name of directory.dirtyChildren) {
      const oid = this.#writeDirectory(directory.children.get(name) as Directory, objects);
      if (oid === null) {
        directory.entries.delete(name);
        directory.children.delete(name);
        directory.reshaped = true;
      } else {
        directory.entries.set(name, { name, mode: '40000', oid });
        directory.changed.add(name);
      }
    }
    directory.dirtyChildren.clear();
    directory.dirty = false;
    const previous = directory.layout;
    if (directory.entries.size === 0) {
      directory.layout = null;
      return null;
    }
    let layout: { bytes: Buffer; oidAt: ReadonlyMap<string, number> };
    let delta: Uint8Array | null = null;
    if (previous && !directory.reshaped) {
      // Same names: copy the last tree and overwrite the ids that changed.
      const bytes = ownCopy(previous.bytes);
      const offsets: number[] = [];
      for (const name of directory.changed) {
        const offset = previous.oidAt.get(name) as number;
        offsets.push(offset);
        bytes.write((directory.entries.get(name) as TreeEntry).oid, offset, 20, 'hex');
      }
      layout = { bytes, oidAt: previous.oidAt };
      delta = encodePatchDelta(previous.bytes, bytes, offsets, 20);
    } else {
      layout = serializeLayout(directory.entries.values());
      if (previous) delta = encodeDelta(previous.bytes, layout.bytes);
    }
    directory.changed.clear();
    directory.reshaped = false;
    const oid = hashObject('tree', layout.bytes);
    directory.layout = { bytes: layout.bytes, oidAt: layout.oidAt, oid };
    objects.push(
      previous && delta && previous.oid !== oid
        ? { type: 'tree', oid, content: layout.bytes, delta: { base: previous.oid, data: delta } }
        : { type: 'tree', oid, content: layout.bytes },
    );
    return oid;
  }
}
