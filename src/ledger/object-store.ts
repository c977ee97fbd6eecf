// Reads git objects for the writer: objects not yet flushed come from memory, the rest from
// the repository through one long-lived `git cat-file --batch` (restarted after maintenance).
// A staged tree that the pack will hold as a delta keeps only that delta: the tree state keeps
// the current version of every folder itself, and at 100k resources the whole versions of the
// trees on each commit's path were 28 MB of every 2,000-commit pack (issue 12).
import { join } from 'node:path';
import { LedgerError } from '../domain/errors.ts';
import { CatFileBatch } from './cat-file-batch.ts';
import { applyDelta, encodeLineDelta, encodeTreeDelta } from './delta.ts';
import { parseTree, type GitObject, type ObjectType, type TreeEntry } from './objects.ts';
import { PackStream } from './pack-stream.ts';
import { type DeltaHint, writeHints } from './pack-hints.ts';
import { MAX_DELTA_DEPTH, type PackObject } from './pack-writer.ts';

const NO_CONTENT = new Uint8Array(0);

interface Staged {
  readonly object: PackObject;
  /** Length of its delta chain in the pack being staged (0: stored whole), as buildPack counts it. */
  readonly depth: number;
  /** The index of its delta base in the pack (-1: stored whole). */
  readonly base: number;
  /** Its own index in the pack. */
  readonly index: number;
  /**
   * The start of the run of deltas it belongs to (null: itself, stored whole or as a delta against
   * an earlier run's start). At the depth cap a version deltas against its run's start.
   */
  readonly anchor: Staged | null;
}

export interface StoredObject {
  readonly type: ObjectType;
  readonly content: Uint8Array;
}

export class ObjectStore {
  readonly gitdir: string;
  readonly #pending = new Map<string, Staged>();
  /** The staged objects, streamed to the pack worker as they are staged. */
  #stream = new PackStream();
  /** Deltas of staged trees whose base is in an earlier pack, for the roll-up (pack-hints.ts). */
  #hints: DeltaHint[] = [];
  /** The chain depth of the trees of the last two packs written, as counted when staged. */
  #written = new Map<string, number>();
  #writtenBefore = new Map<string, number>();
  /** Reads of flushed objects: one object at a time, no pack held in this heap (issue 12). */
  readonly #packed: CatFileBatch;

  constructor(gitdir: string) {
    this.gitdir = gitdir;
    this.#packed = new CatFileBatch(gitdir);
  }

  /** Keeps an object in memory until the next flush; returns false when it was already there. */
  stage(object: GitObject): boolean {
    if (this.#pending.has(object.oid)) return false;
    const base = object.delta ? this.#pending.get(object.delta.base) : undefined;
    // buildPack writes the delta exactly when its base comes earlier in the pack below the depth cap.
    const index = this.#pending.size;
    if (!base) {
      this.#add({ object, depth: this.#hintDepth(object), base: -1, index, anchor: null });
      return true;
    }
    if (base.depth >= MAX_DELTA_DEPTH) return this.#stageAtCap(object, base, index);
    const kept = object.type === 'tree' ? { ...object, content: NO_CONTENT, contentDropped: true } : object;
    this.#add({ object: kept, depth: base.depth + 1, base: base.index, anchor: base.anchor ?? base, index });
    return true;
  }

  /**
   * A version whose previous one is at git's depth cap: a delta against the start of the previous
   * one's run (a few dozen versions back, at a lower depth), which starts a new run; whole only
   * when that start is at the cap too or the delta is not smaller. Whole copies every 50 versions
   * of a folder changed by every commit (`namespaces/`) were 21 MB of 196 MB at
   * 100k resources; with runs of 50, 49, 48... versions they come every ~1,275 (issue 12).
   */
  #stageAtCap(object: GitObject, base: Staged, index: number): boolean {
    const start = base.anchor;
    if (start && start.depth < MAX_DELTA_DEPTH) {
      const from = this.#stagedContent(start.object);
      const data =
        object.type === 'tree' ? encodeTreeDelta(from, object.content) : encodeLineDelta(from, object.content);
      if (data.length < (object.deflated?.length ?? object.content.length)) {
        const delta = { base: start.object.oid, data };
        const kept =
          object.type === 'tree'
            ? { ...object, delta, content: NO_CONTENT, contentDropped: true }
            : { ...object, delta };
        this.#add({ object: kept, depth: start.depth + 1, base: start.index, index, anchor: null });
        return true;
      }
    }
    this.#add({ object, depth: 0, base: -1, index, anchor: null });
    return true;
  }

  /**
   * 0 for an object stored whole; for a tree whose delta base is in one of the last two packs,
   * the depth it will have once the roll-up stores it as that delta (its hint is kept), so that
   * the versions after it in this pack stay within git's depth cap then.
   */
  #hintDepth(object: GitObject): number {
    const { delta } = object;
    if (object.type !== 'tree' || !delta || delta.data.length >= object.content.length) return 0;
    const baseDepth = this.#written.get(delta.base) ?? this.#writtenBefore.get(delta.base);
    if (baseDepth === undefined || baseDepth + 1 >= MAX_DELTA_DEPTH) return 0;
    this.#hints.push({ oid: Buffer.from(object.oid, 'hex'), base: Buffer.from(delta.base, 'hex'), data: delta.data });
    return baseDepth + 1;
  }

  #add(staged: Staged): void {
    this.#pending.set(staged.object.oid, staged);
    this.#send(staged);
  }

  #send({ object, base }: Staged): void {
    if (base >= 0) {
      const delta = object.delta as { data: Uint8Array };
      this.#stream.add(object.type, object.oid, base, delta.data.length, delta.data, false);
    } else {
      const data = object.deflated ?? object.content;
      this.#stream.add(object.type, object.oid, -1, object.content.length, data, object.deflated !== undefined);
    }
  }

  /**
   * Stages `object` as a delta against `baseOid` (its previous version: the file's last blob, the
   * parent commit) when that is staged for the same pack and the delta is smaller than the object
   * (compressed, when it comes compressed: rendered blobs do not, the pack worker deflates them);
   * otherwise whole. The pack writer caps the chains.
   */
  stageAgainst(object: GitObject, baseOid: string | null): boolean {
    if (this.#pending.has(object.oid)) return false;
    const base = baseOid ? this.#pending.get(baseOid)?.object : undefined;
    if (!base || base.type !== object.type || base.contentDropped) return this.stage(object);
    const data = encodeLineDelta(base.content, object.content);
    const whole = object.deflated?.length ?? object.content.length;
    return this.stage(data.length < whole ? { ...object, delta: { base: base.oid, data } } : object);
  }

  /** The staged objects, in pack order, as kept until the pack is written. */
  staged(): PackObject[] {
    return [...this.#pending.values()].map((staged) => staged.object);
  }

  /**
   * Writes the staged objects as one pack, durably (the pack worker assembled it meanwhile);
   * from then on they are read from it. On failure they stay staged, for a later flush.
   */
  async writePack(): Promise<void> {
    if (this.#pending.size === 0) return;
    let name: string;
    try {
      name = await this.#stream.store(join(this.gitdir, 'objects', 'pack'));
    } catch (cause) {
      this.#stream.discard();
      this.#stream = new PackStream();
      for (const staged of this.#pending.values()) this.#send(staged);
      throw new LedgerError(`cannot write the staged objects into ${this.gitdir}`, { cause });
    }
    try {
      writeHints(this.gitdir, name, this.#hints);
    } catch {
      // Only a smaller pack after the roll-up is lost.
    }
    this.#hints = [];
    this.#writtenBefore = this.#written;
    this.#written = new Map();
    for (const staged of this.#pending.values())
      if (staged.object.type === 'tree') this.#written.set(staged.object.oid, staged.depth);
    this.#pending.clear();
  }

  /** A staged object's content, rebuilt from its base when only its delta was kept. */
  #stagedContent(object: PackObject): Uint8Array {
    if (!object.contentDropped) return object.content;
    const delta = object.delta as { base: string; data: Uint8Array };
    return applyDelta(this.#stagedContent((this.#pending.get(delta.base) as Staged).object), delta.data);
  }

  /** Lets go of the packs the reader has open, after packs were rewritten by maintenance. */
  resetCache(): void {
    this.#packed.close();
  }

  async read(oid: string): Promise<StoredObject> {
    const pending = this.#pending.get(oid)?.object;
    if (pending) return { type: pending.type, content: this.#stagedContent(pending) };
    try {
      return await this.#packed.read(oid);
    } catch {
      // A repack beside the writer may have replaced the packs the reader had open: look again.
      this.resetCache();
    }
    try {
      return await this.#packed.read(oid);
    } catch (cause) {
      throw new LedgerError(`cannot read object ${oid} from ${this.gitdir}`, { cause });
    }
  }

  async readTree(oid: string): Promise<TreeEntry[]> {
    const object = await this.read(oid);
    if (object.type !== 'tree') throw new LedgerError(`object ${oid} is a ${object.type}, not a tree`);
    return parseTree(object.content);
  }

  async readText(oid: string): Promise<string> {
    return Buffer.from((await this.read(oid)).content).toString('utf8');
  }

  /** The tree id of a commit. */
  async commitTree(oid: string): Promise<string> {
    const text = await this.readText(oid);
    const match = /^tree ([0-9a-f]{40})$/m.exec(text);
    if (!match) throw new LedgerError(`commit ${oid} has no tree`);
    return match[1] as string;
  }
}
