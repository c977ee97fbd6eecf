// Signs commits on a thread of their own (issue 11). A commit's id covers its signature and the
// next commit on its branch names that id, so the thread makes the chain itself: the writer
// posts each commit without its parent line to a ring in shared memory (signer-ring.ts), the
// parent given or `follow` (the branch's commit before it in the ring), and reads the signed
// commits back in order when it needs them, mostly while it builds the next blobs and trees.
// Ed25519 signatures are deterministic, so a commit signed here instead (the thread not started
// yet, gone, or stuck) has the same bytes and id.
//
// The thread's program is `serveRing`'s source (signer-thread.ts), which is plain JavaScript once
// Node has stripped its types: a thread started from a .ts file pays ~0.1–0.3 s of CPU to set up
// the type stripper (a WebAssembly module) before it signs anything, ~20% of what signing a
// 20,000-commit ingest costs.
import { Worker } from 'node:worker_threads';
import type { SigningKey } from '../signing/ssh-key.ts';
import { armourLayout, signSsh } from '../signing/sshsig.ts';
import { type GitObject, makeObject, withParent, withSignature } from './objects.ts';
import { headerLayout, type ParentOf, RING, SignerRing, SLOTS, TEMPLATE_BYTES } from './signer-ring.ts';
import { serveRing } from './signer-thread.ts';

const PROGRAM = `'use strict';
const { workerData } = require('node:worker_threads');
const { buffer, ring, layout, privateKey } = workerData;
(${serveRing.toString()})(buffer, ring, layout, privateKey, require('node:crypto'));
`;

/** A thread that answers nothing for this long while commits wait is given up: the writer signs. */
const STUCK_MS = 2000;
const WAIT_SLICE_MS = 20;

export class CommitSigner {
  readonly #key: SigningKey;
  readonly #ring = new SignerRing();
  readonly #worker: Worker;
  #posted = 0;
  #collected = 0;
  /** The thread failed or got stuck: the writer signs what waits, and everything after. */
  #givenUp = false;
  /** Each branch's last commit collected (the parent of a `follow` commit signed here). */
  readonly #heads = new Map<number, string | null>();
  /** Commits signed by the thread and by the writer itself. */
  readonly counts = { thread: 0, writer: 0 };

  constructor(key: SigningKey) {
    this.#key = key;
    this.#worker = new Worker(PROGRAM, {
      eval: true,
      name: 'signer',
      workerData: {
        buffer: this.#ring.buffer,
        ring: RING,
        layout: headerLayout(armourLayout(key)),
        privateKey: key.privateKey,
      },
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 },
    });
    // The thread never holds the process open; if it fails the writer signs.
    this.#worker.unref();
    this.#worker.on('error', () => {
      this.#givenUp = true;
      this.#ring.stop();
    });
  }

  /** Commits posted and not collected yet. */
  get pending(): number {
    return this.#posted - this.#collected;
  }

  /**
   * Posts a commit (its content without parent line) for `branch` (a small number naming it);
   * false when it must be signed in line instead: the thread is not serving (yet), or the
   * commit is too big for the ring. A full ring must be emptied with `next` first.
   */
  post(orphan: Uint8Array, branch: number, parent: ParentOf): boolean {
    if (this.#givenUp || orphan.byteLength > TEMPLATE_BYTES || !this.#ring.ready) return false;
    if (this.pending === SLOTS) throw new Error('the signing ring is full');
    const seq = this.#posted;
    this.#posted += 1;
    this.#ring.post(seq, orphan, branch, parent);
    return true;
  }

  /** The oldest commit posted and not collected, signed; null when it is not yet and `wait` is false. */
  next(wait: boolean): GitObject | null {
    const seq = this.#collected;
    if (seq === this.#posted) throw new Error('no commit is being signed');
    if (!this.#givenUp && this.#ring.done <= seq) {
      if (!wait) return null;
      this.#waitFor(seq);
    }
    const commit = this.#givenUp ? this.#signHere(seq) : this.#answer(seq);
    this.#collected += 1;
    return commit;
  }

  close(): void {
    this.#ring.stop();
    void this.#worker.terminate();
  }

  #answer(seq: number): GitObject {
    const { branch, oid, content } = this.#ring.answer(seq);
    this.#heads.set(branch, oid);
    this.counts.thread += 1;
    return { type: 'commit', oid, content };
  }

  #signHere(seq: number): GitObject {
    const { orphan, branch, parent } = this.#ring.template(seq);
    const unsigned = withParent(orphan, parent === 'follow' ? (this.#heads.get(branch) ?? null) : parent);
    const commit = makeObject('commit', withSignature(unsigned, signSsh(this.#key, unsigned)));
    this.#heads.set(branch, commit.oid);
    this.counts.writer += 1;
    return commit;
  }

  /** Waits until the thread answered commit `seq`, or gives it up when it fails or stops answering. */
  #waitFor(seq: number): void {
    this.#ring.wake();
    let done = this.#ring.done;
    let since = performance.now();
    while (done <= seq) {
      if (this.#ring.failed || performance.now() - since > STUCK_MS) {
        this.#givenUp = true;
        this.#ring.stop();
        return;
      }
      this.#ring.waitPast(done, WAIT_SLICE_MS);
      const now = this.#ring.done;
      if (now !== done) since = performance.now();
      done = now;
    }
  }
}
