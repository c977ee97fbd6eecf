// Reads git objects for the writer: objects not yet flushed come from memory, the rest from
// the repository through isomorphic-git (with a shared pack cache, reset after maintenance).
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { LedgerError } from '../domain/errors.ts';
import { encodeLineDelta } from './delta.ts';
import { parseTree, type GitObject, type ObjectType, type TreeEntry } from './objects.ts';

export interface StoredObject {
  readonly type: ObjectType;
  readonly content: Uint8Array;
}

export class ObjectStore {
  readonly gitdir: string;
  readonly #pending = new Map<string, GitObject>();
  #cache: object = {};

  constructor(gitdir: string) {
    this.gitdir = gitdir;
  }

  /** Keeps an object in memory until the next flush; returns false when it was already there. */
  stage(object: GitObject): boolean {
    if (this.#pending.has(object.oid)) return false;
    this.#pending.set(object.oid, object);
    return true;
  }

  /**
   * Stages `object` as a delta against `baseOid` (its previous version: the file's last blob, the
   * parent commit) when that is staged for the same pack and the delta is smaller than the object
   * compressed; otherwise whole. The pack writer caps the chains.
   */
  stageAgainst(object: GitObject, baseOid: string | null): boolean {
    if (this.#pending.has(object.oid)) return false;
    const base = baseOid ? this.#pending.get(baseOid) : undefined;
    if (!base || base.type !== object.type) return this.stage(object);
    const data = encodeLineDelta(base.content, object.content);
    const whole = object.deflated?.length ?? object.content.length;
    return this.stage(data.length < whole ? { ...object, delta: { base: base.oid, data } } : object);
  }

  /** Takes the staged objects out, for writing into a pack. */
  drain(): GitObject[] {
    const objects = [...this.#pending.values()];
    this.#pending.clear();
    return objects;
  }

  /** Forgets cached pack data, after packs were rewritten by maintenance. */
  resetCache(): void {
    this.#cache = {};
  }

  async read(oid: string): Promise<StoredObject> {
    const pending = this.#pending.get(oid);
    if (pending) return pending;
    try {
      return await this.#readPacked(oid);
    } catch {
      // A repack beside the writer may have replaced the pack the cache points at: look again.
      this.resetCache();
    }
    try {
      return await this.#readPacked(oid);
    } catch (cause) {
      throw new LedgerError(`cannot read object ${oid} from ${this.gitdir}`, { cause });
    }
  }

  async #readPacked(oid: string): Promise<StoredObject> {
    const result = await git.readObject({ fs, gitdir: this.gitdir, oid, format: 'content', cache: this.#cache });
    return { type: result.type as ObjectType, content: result.object as Uint8Array };
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
