// The slot in shared memory through which the writer hands one commit at a time to the signing
// thread (commit-signer.ts, signer-worker.ts). Its state word says who may touch it:
// FREE → (writer posts) POSTED → (thread takes) TAKEN → DONE or FAILED → (writer collects) FREE.
// The writer may take a POSTED commit back (it signs it itself) and abandon a TAKEN one after a
// short wait; STOPPED ends the thread. The thread wakes on Atomics.notify, the writer waits with
// Atomics.wait only for a signature being made.
import { hashObject } from './objects.ts';

export const FREE = 0;
export const POSTED = 1;
export const TAKEN = 2;
export const DONE = 3;
export const FAILED = 4;
export const STOPPED = 5;

/** The largest unsigned commit handed to the thread (a bigger one is signed by the writer). */
const PAYLOAD_BYTES = 64 * 1024;
/** Room for the signature header (an Ed25519 SSHSIG armour is ~300 bytes). */
const RESULT_BYTES = PAYLOAD_BYTES + 4096;
const HEAD_BYTES = 64;
const OID_AT = 16;
const OID_BYTES = 20;
// The state word, the payload's length and the signed commit's length.
const STATE = 0;
const PAYLOAD_LENGTH = 1;
const RESULT_LENGTH = 2;

export interface SignedCommit {
  readonly type: 'commit';
  readonly oid: string;
  readonly content: Uint8Array;
}

export class SignerSlot {
  readonly buffer: SharedArrayBuffer;
  readonly #words: Int32Array;
  readonly #oid: Uint8Array;
  readonly #payload: Uint8Array;
  readonly #result: Uint8Array;

  constructor(buffer = new SharedArrayBuffer(HEAD_BYTES + PAYLOAD_BYTES + RESULT_BYTES)) {
    this.buffer = buffer;
    this.#words = new Int32Array(buffer, 0, 4);
    this.#oid = new Uint8Array(buffer, OID_AT, OID_BYTES);
    this.#payload = new Uint8Array(buffer, HEAD_BYTES, PAYLOAD_BYTES);
    this.#result = new Uint8Array(buffer, HEAD_BYTES + PAYLOAD_BYTES, RESULT_BYTES);
  }

  // The writer's side.

  /** Hands `unsigned` to the thread; false when the slot is not free (the writer signs it). */
  post(unsigned: Uint8Array): boolean {
    const state = Atomics.load(this.#words, STATE);
    // DONE or FAILED: left by a commit the writer abandoned and signed itself.
    if (state === TAKEN || state === STOPPED || unsigned.byteLength > PAYLOAD_BYTES) return false;
    this.#payload.set(unsigned);
    this.#words[PAYLOAD_LENGTH] = unsigned.byteLength;
    Atomics.store(this.#words, STATE, POSTED);
    Atomics.notify(this.#words, STATE, 1);
    return true;
  }

  /**
   * The signed commit once the thread has made it, waiting up to `waitMs` for one it is making;
   * null when it did not (the commit is taken back or abandoned: the writer signs it).
   */
  collect(waitMs: number): SignedCommit | null {
    if (Atomics.compareExchange(this.#words, STATE, POSTED, FREE) === POSTED) return null;
    if (Atomics.load(this.#words, STATE) === TAKEN) Atomics.wait(this.#words, STATE, TAKEN, waitMs);
    if (Atomics.load(this.#words, STATE) !== DONE) return null;
    const content = Buffer.from(this.#result.subarray(0, this.#words[RESULT_LENGTH]));
    const oid = Buffer.from(this.#oid).toString('hex');
    Atomics.store(this.#words, STATE, FREE);
    return { type: 'commit', oid, content };
  }

  stop(): void {
    Atomics.store(this.#words, STATE, STOPPED);
    Atomics.notify(this.#words, STATE);
  }

  // The thread's side.

  /** Waits for a commit to sign: its unsigned content, or null once the slot is stopped. */
  take(): Buffer | null {
    for (;;) {
      const state = Atomics.load(this.#words, STATE);
      if (state === STOPPED) return null;
      if (state === POSTED && Atomics.compareExchange(this.#words, STATE, POSTED, TAKEN) === POSTED) {
        return Buffer.from(this.#payload.subarray(0, this.#words[PAYLOAD_LENGTH]));
      }
      Atomics.wait(this.#words, STATE, state);
    }
  }

  /** Answers the commit taken: its signed content, or null when signing failed. */
  answer(content: Uint8Array | null): void {
    let state = FAILED;
    if (content && content.byteLength <= RESULT_BYTES) {
      this.#result.set(content);
      this.#words[RESULT_LENGTH] = content.byteLength;
      this.#oid.set(Buffer.from(hashObject('commit', content), 'hex'));
      state = DONE;
    }
    // Unless the slot was stopped meanwhile.
    Atomics.compareExchange(this.#words, STATE, TAKEN, state);
    Atomics.notify(this.#words, STATE);
  }
}
