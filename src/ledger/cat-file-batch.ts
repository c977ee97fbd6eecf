// One long-lived `git cat-file --batch` that reads single objects by id for the writer: a read
// costs one line on a pipe and the object's bytes, where isomorphic-git's pack cache kept whole
// packs in the writer's heap (issue 12). Git's own delta-base cache is kept small, since this
// process's memory adds to the ingest's. The child is referenced only while a read is waiting,
// so it never keeps Node running; it ends when its input closes.
import { LedgerError } from '../domain/errors.ts';
import { parseBatchHeader } from './cat-file.ts';
import { type GitChild, holdChild, startGitChild } from './git-child.ts';
import type { ObjectType } from './objects.ts';

/**
 * Git's cache of delta bases in this process (its default is 96 MB), and how much of the packs it
 * maps at once: by default whole packs up to 8 GB, so reading here and there in a 1M-resource
 * backfill's packs kept 1.6 GB of them resident (file pages, yet counted in the ingest's RSS).
 */
const BOUNDED = ['core.deltaBaseCacheLimit=8m', 'core.packedGitWindowSize=16m', 'core.packedGitLimit=64m'];

export interface BatchObject {
  readonly type: ObjectType;
  readonly content: Uint8Array;
}

interface Waiter {
  readonly oid: string;
  readonly resolve: (object: BatchObject) => void;
  readonly reject: (error: Error) => void;
}

export class CatFileBatch {
  readonly #gitdir: string;
  #child: GitChild | null = null;
  readonly #waiting: Waiter[] = [];
  #chunks: Buffer[] = [];
  #buffered = 0;

  constructor(gitdir: string) {
    this.#gitdir = gitdir;
  }

  /** The object `oid` (hex); rejects when the repository does not hold it. */
  read(oid: string): Promise<BatchObject> {
    if (!/^[0-9a-f]{40,64}$/.test(oid)) return Promise.reject(new LedgerError(`not an object id: ${oid}`));
    const child = this.#start();
    return new Promise((resolve, reject) => {
      if (this.#waiting.length === 0) holdChild(child, true);
      this.#waiting.push({ oid, resolve, reject });
      child.stdin.write(`${oid}\n`);
    });
  }

  /** Ends the git process (the next read starts another), e.g. after packs were rewritten. */
  close(): void {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    child.stdin.end();
    this.#fail(child, new LedgerError(`git cat-file --batch in ${this.#gitdir} was closed`));
  }

  #start(): GitChild {
    if (this.#child) return this.#child;
    const child = startGitChild(this.#gitdir, BOUNDED, ['cat-file', '--batch'], (cause) => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#fail(child, new LedgerError(`git cat-file --batch in ${this.#gitdir} ended`, { cause }));
    });
    this.#child = child;
    this.#chunks = [];
    this.#buffered = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.#child !== child) return;
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      this.#answer(child);
    });
    return child;
  }

  /** Settles the waiting reads whose answers have fully arrived. */
  #answer(child: GitChild): void {
    while (this.#waiting.length > 0 && this.#buffered > 0) {
      const data = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
      this.#chunks = [data];
      const newline = data.indexOf(0x0a);
      if (newline === -1) return;
      const line = data.toString('latin1', 0, newline);
      const header = parseBatchHeader(line);
      const waiter = this.#waiting[0] as Waiter;
      let used = newline + 1;
      if (header) {
        used += header.size + 1;
        if (data.length < used) return;
        // A copy: the chunk it came in may hold other objects and would be kept alive by a view.
        const content = Uint8Array.prototype.slice.call(data, newline + 1, used - 1);
        waiter.resolve({ type: header.type as ObjectType, content });
      } else {
        waiter.reject(new LedgerError(`git cat-file --batch in ${this.#gitdir} has no object ${waiter.oid}: ${line}`));
      }
      this.#waiting.shift();
      this.#chunks = used === data.length ? [] : [data.subarray(used)];
      this.#buffered = data.length - used;
    }
    if (this.#waiting.length === 0) holdChild(child, false);
  }

  #fail(child: GitChild, error: Error): void {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(error);
    holdChild(child, false);
  }
}
