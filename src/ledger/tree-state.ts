// The current tree of one branch, in memory and loaded lazily per directory. Setting a file
// marks only the directories on its path dirty; writing serialises just those, bottom-up.
import { compareTreeEntries, EMPTY_TREE_OID, makeObject, serializeTree, treeEntryHead, type GitObject, type TreeEntry } from './objects.ts';

export type ReadTree = (oid: string) => Promise<readonly TreeEntry[]>;

interface Directory {
  /** Entries by name; a subdirectory's oid is stale while it is dirty. */
  readonly entries: Map<string, TreeEntry>;
  readonly children: Map<string, Directory>;
  sorted: TreeEntry[] | null;
  /** Serialised `<mode> <name>\0` of each sorted entry, rebuilt with `sorted`. */
  heads: Buffer[] | null;
  dirty: boolean;
}

function emptyDirectory(): Directory {
  return { entries: new Map(), children: new Map(), sorted: null, heads: null, dirty: true };
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
      directory.sorted = null;
    } else {
      if (existing?.oid === oid) return false;
      if (existing?.mode === '40000') return false;
      directory.entries.set(file, { name: file, mode: '100644', oid });
      if (!existing) directory.sorted = null;
      else if (directory.sorted) directory.sorted = directory.sorted.map((entry) => (entry.name === file ? { name: file, mode: '100644', oid } : entry));
    }
    directory.dirty = true;
    for (const [parent, name] of chain) {
      parent.dirty = true;
      if (!parent.entries.has(name)) {
        parent.entries.set(name, { name, mode: '40000', oid: EMPTY_TREE_OID });
        parent.sorted = null;
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
    for (const [name, child] of directory.children) {
      if (!child.dirty) continue;
      const oid = this.#writeDirectory(child, objects);
      if (oid === null) {
        directory.entries.delete(name);
        directory.children.delete(name);
        directory.sorted = null;
      } else {
        directory.entries.set(name, { name, mode: '40000', oid });
        if (directory.sorted) directory.sorted = directory.sorted.map((entry) => (entry.name === name ? { name, mode: '40000', oid } : entry));
      }
    }
    directory.dirty = false;
    if (directory.entries.size === 0) return null;
    if (!directory.sorted || !directory.heads) {
      directory.sorted = [...directory.entries.values()].sort(compareTreeEntries);
      directory.heads = directory.sorted.map(treeEntryHead);
    }
    const object = makeObject('tree', serializeTree(directory.sorted, directory.heads));
    objects.push(object);
    return object.oid;
  }
}
