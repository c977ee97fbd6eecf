// The ring in shared memory through which the writer hands commits to the signing thread
// (commit-signer.ts, signer-worker.ts). Each slot holds a commit without its parent line, the
// branch it goes on and its parent: given, none, or `follow` (the branch's previous commit in
// the ring, whose id only the thread knows yet); the thread answers in the same slot the signed
// commit and its id. Two counters order everything: `posted` (the writer's) and `done` (the
// thread's); a slot is the writer's again once it has read the answer.
//
// Waking a sleeping thread is dear (~150 µs of the waker's CPU on a 2-vCPU VM here, the price of
// an inter-processor interrupt), so the writer never wakes a thread that is busy or polling:
// while commits come, the thread looks at the ring every POLL_MS on its own timer (the ring holds
// that many milliseconds of commits), and only after IDLE_POLLS empty looks (~200 ms) does it
// sleep until woken.
import { hashObject, withParent, withSignature } from './objects.ts';

export const SLOTS = 128;
/** The largest commit (without signature) the ring carries; a bigger one is signed by the writer. */
export const TEMPLATE_BYTES = 8 * 1024;
/** Room for the signature header (an Ed25519 SSHSIG armour is ~300 bytes). */
const ANSWER_BYTES = TEMPLATE_BYTES + 4096;
const SLOT_BYTES = TEMPLATE_BYTES + ANSWER_BYTES;
const OID_BYTES = 20;
// Control words.
const POSTED = 0;
const DONE = 1;
const STOP = 2;
const FAILED = 3;
const READY = 4;
const SLEEPING = 5;
const POLL_MS = 5;
const IDLE_POLLS = 40;
// Words of each slot.
const LENGTH = 0;
const BRANCH = 1;
const PARENT = 2;
const ANSWER_LENGTH = 3;
const WORDS = 4;
const NONE = 0;
const GIVEN = 1;
const FOLLOW = 2;

export type ParentOf = string | null | 'follow';

export interface Answer {
  readonly branch: number;
  readonly oid: string;
  readonly content: Uint8Array;
}

export class SignerRing {
  readonly buffer: SharedArrayBuffer;
  readonly #control: Int32Array;
  readonly #words: Int32Array;
  readonly #ids: Uint8Array;
  readonly #bytes: Uint8Array;

  constructor(buffer?: SharedArrayBuffer) {
    const words = 8 + SLOTS * WORDS;
    this.buffer = buffer ?? new SharedArrayBuffer(words * 4 + SLOTS * 2 * OID_BYTES + SLOTS * SLOT_BYTES);
    this.#control = new Int32Array(this.buffer, 0, 8);
    this.#words = new Int32Array(this.buffer, 32, SLOTS * WORDS);
    this.#ids = new Uint8Array(this.buffer, words * 4, SLOTS * 2 * OID_BYTES);
    this.#bytes = new Uint8Array(this.buffer, words * 4 + SLOTS * 2 * OID_BYTES);
  }

  get posted(): number {
    return Atomics.load(this.#control, POSTED);
  }

  get done(): number {
    return Atomics.load(this.#control, DONE);
  }

  get failed(): boolean {
    return Atomics.load(this.#control, FAILED) !== 0;
  }

  /** Whether the thread is serving. */
  get ready(): boolean {
    return Atomics.load(this.#control, READY) !== 0;
  }

  // The writer's side.

  /** Writes commit number `seq` (its slot must be free); the thread finds it within POLL_MS, or is woken. */
  post(seq: number, orphan: Uint8Array, branch: number, parent: ParentOf): void {
    const slot = seq % SLOTS;
    const words = slot * WORDS;
    this.#bytes.set(orphan, slot * SLOT_BYTES);
    this.#words[words + LENGTH] = orphan.byteLength;
    this.#words[words + BRANCH] = branch;
    this.#words[words + PARENT] = parent === null ? NONE : parent === 'follow' ? FOLLOW : GIVEN;
    if (typeof parent === 'string' && parent !== 'follow') this.#ids.set(Buffer.from(parent, 'hex'), slot * 40);
    Atomics.store(this.#control, POSTED, seq + 1);
    this.wake();
  }

  /** Wakes the thread if it sleeps (it polls while commits come). */
  wake(): void {
    if (Atomics.load(this.#control, SLEEPING) !== 0) Atomics.notify(this.#control, POSTED);
  }

  /** Waits up to `ms` for the thread to answer more than `done` commits. */
  waitPast(done: number, ms: number): void {
    Atomics.wait(this.#control, DONE, done, ms);
  }

  /** The thread's answer for commit `seq` (done already). */
  answer(seq: number): Answer {
    const slot = seq % SLOTS;
    const at = slot * SLOT_BYTES + TEMPLATE_BYTES;
    const length = this.#words[slot * WORDS + ANSWER_LENGTH] as number;
    return {
      branch: this.#words[slot * WORDS + BRANCH] as number,
      oid: Buffer.from(this.#ids.subarray(slot * 40 + OID_BYTES, slot * 40 + 2 * OID_BYTES)).toString('hex'),
      content: Buffer.from(this.#bytes.subarray(at, at + length)),
    };
  }

  /** Commit `seq` as posted: its content without parent line, its branch and parent. */
  template(seq: number): { orphan: Buffer; branch: number; parent: ParentOf } {
    const slot = seq % SLOTS;
    const words = slot * WORDS;
    const mode = this.#words[words + PARENT];
    const at = slot * SLOT_BYTES;
    return {
      orphan: Buffer.from(this.#bytes.subarray(at, at + (this.#words[words + LENGTH] as number))),
      branch: this.#words[words + BRANCH] as number,
      parent:
        mode === NONE
          ? null
          : mode === FOLLOW
            ? 'follow'
            : Buffer.from(this.#ids.subarray(slot * 40, slot * 40 + OID_BYTES)).toString('hex'),
    };
  }

  stop(): void {
    Atomics.store(this.#control, STOP, 1);
    Atomics.notify(this.#control, POSTED);
  }

  // The thread's side.

  /** Signs every commit posted, in order, until stopped; `sign` answers a commit's signature armour. */
  serve(sign: (unsigned: Uint8Array) => string): void {
    const heads = new Map<number, string | null>();
    Atomics.store(this.#control, READY, 1);
    let idle = 0;
    for (let seq = this.done; Atomics.load(this.#control, STOP) === 0; ) {
      const posted = Atomics.load(this.#control, POSTED);
      if (seq === posted) {
        idle += 1;
        if (idle <= IDLE_POLLS) Atomics.wait(this.#control, POSTED, posted, POLL_MS);
        else {
          // The writer checks SLEEPING after posting: it either sees it set or its commit is seen here.
          Atomics.store(this.#control, SLEEPING, 1);
          if (Atomics.load(this.#control, POSTED) === posted) Atomics.wait(this.#control, POSTED, posted);
          Atomics.store(this.#control, SLEEPING, 0);
          idle = 0;
        }
        continue;
      }
      idle = 0;
      const { orphan, branch, parent } = this.template(seq);
      const slot = seq % SLOTS;
      try {
        const unsigned = withParent(orphan, parent === 'follow' ? (heads.get(branch) ?? null) : parent);
        const content = withSignature(unsigned, sign(unsigned));
        if (content.byteLength > ANSWER_BYTES) throw new Error('the signed commit does not fit its slot');
        const oid = hashObject('commit', content);
        this.#bytes.set(content, slot * SLOT_BYTES + TEMPLATE_BYTES);
        this.#words[slot * WORDS + ANSWER_LENGTH] = content.byteLength;
        this.#ids.set(Buffer.from(oid, 'hex'), slot * 40 + OID_BYTES);
        heads.set(branch, oid);
      } catch {
        // The writer signs this commit and the rest itself.
        Atomics.store(this.#control, FAILED, 1);
        Atomics.notify(this.#control, DONE);
        return;
      }
      seq += 1;
      Atomics.store(this.#control, DONE, seq);
      Atomics.notify(this.#control, DONE);
    }
  }
}
