// Signs commits on a thread of their own (issue 11): a commit's id covers its signature and the
// next commit names that id, so signatures come one after the other, but commit N's can be made
// while the writer builds commit N+1's blob and tree. One commit at a time goes through a slot
// in shared memory (signer-slot.ts); Ed25519 signatures are deterministic, so when the thread
// has not taken the commit yet (busy machine, thread starting, thread gone) the writer signs it
// itself and the bytes are the same either way.
import { Worker } from 'node:worker_threads';
import type { SigningKey } from '../signing/ssh-key.ts';
import { signSsh } from '../signing/sshsig.ts';
import { type GitObject, makeObject, withSignature } from './objects.ts';
import { SignerSlot } from './signer-slot.ts';

/**
 * How long the writer waits for a signature the thread is making (one takes ~30 µs) before
 * making it itself: on a busy machine the thread may have been preempted in the middle.
 */
const TAKEN_WAIT_MS = 0.1;

export class CommitSigner {
  readonly #key: SigningKey;
  readonly #slot: SignerSlot;
  readonly #worker: Worker;
  /** The commit being signed: its unsigned content, and whether it was handed to the thread. */
  #pending: { readonly unsigned: Uint8Array; readonly posted: boolean } | null = null;
  /** Commits signed by the thread and by the writer itself. */
  readonly counts = { thread: 0, writer: 0 };

  constructor(key: SigningKey) {
    this.#key = key;
    this.#slot = new SignerSlot();
    this.#worker = new Worker(new URL('./signer-worker.ts', import.meta.url), {
      workerData: { buffer: this.#slot.buffer, privateKey: key.privateKey, publicKey: key.publicKey.raw },
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 },
    });
    // The thread never holds the process open; a failure of it only makes the writer sign.
    this.#worker.unref();
    this.#worker.on('error', () => this.#slot.stop());
  }

  /** Whether a commit was started and not finished yet. */
  get busy(): boolean {
    return this.#pending !== null;
  }

  /** Starts signing a commit (its content without signature); `finish` answers the signed commit. */
  start(unsigned: Uint8Array): void {
    if (this.#pending) throw new Error('a commit is being signed already');
    this.#pending = { unsigned, posted: this.#slot.post(unsigned) };
  }

  /** The commit `start` began, signed: from the thread, or signed here when the thread did not take it. */
  finish(): GitObject {
    const pending = this.#pending;
    if (!pending) throw new Error('no commit is being signed');
    this.#pending = null;
    const done = pending.posted ? this.#slot.collect(TAKEN_WAIT_MS) : null;
    this.counts[done ? 'thread' : 'writer'] += 1;
    return done ?? makeObject('commit', withSignature(pending.unsigned, signSsh(this.#key, pending.unsigned)));
  }

  /** Ends the thread (a commit started is finished first by whoever holds it). */
  close(): void {
    this.#slot.stop();
    void this.#worker.terminate();
  }
}
