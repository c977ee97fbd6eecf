// The ring in shared memory through which the writer hands commits to the signing thread
// (commit-signer.ts). Each slot holds a commit without its parent line, the branch it goes on
// and its parent: given, none, or `follow` (the branch's previous commit in the ring, whose id
// only the thread knows yet); the thread answers in the same slot the signed commit and its id.
// Two counters order everything: `posted` (the writer's) and `done` (the thread's); a slot is
// the writer's again once it has read the answer. The thread's side is signer-thread.ts.
//
// Waking a sleeping thread is dear (~150 µs of the waker's CPU on a 2-vCPU VM here, the price of
// an inter-processor interrupt), so the writer wakes the thread only when it waits for it: while
// commits come, the thread looks at the ring every POLL_MS on its own timer (the ring holds more
// than that many milliseconds of commits), and only after IDLE_POLLS empty looks does it sleep
// until woken.
import type { ArmourLayout } from '../signing/sshsig.ts';

/** The shape of the ring, shared by both sides. */
export const RING = {
  slots: 128,
  /** The largest commit (without signature) the ring carries; a bigger one is signed by the writer. */
  templateBytes: 8 * 1024,
  /** Room for `commit <length>\0` before an answer, a parent line and the signature header (~400 bytes). */
  answerBytes: 8 * 1024 + 4096,
  objectHead: 32,
  /** Ids as hex: a given parent, then the answer's. */
  idBytes: 80,
  controlWords: 8,
  slotWords: 4,
  pollMs: 20,
  idlePolls: 10,
} as const;
export const SLOTS = RING.slots;
export const TEMPLATE_BYTES = RING.templateBytes;
const SLOT_BYTES = RING.templateBytes + RING.answerBytes;

// Control words.
const POSTED = 0;
const DONE = 1;
const STOP = 2;
const FAILED = 3;
const READY = 4;
const SLEEPING = 5;
// Words of each slot.
const LENGTH = 0;
const BRANCH = 1;
const PARENT = 2;
const ANSWER_LENGTH = 3;
const NONE = 0;
const GIVEN = 1;
const FOLLOW = 2;

export type ParentOf = string | null | 'follow';

export interface Answer {
  readonly branch: number;
  readonly oid: string;
  readonly content: Uint8Array;
}

/** The signature header of a commit as the thread writes it: ArmourLayout in `withSignature`'s form. */
export interface HeaderLayout {
  readonly signedDataHead: Uint8Array;
  readonly blobTail: Uint8Array;
  /** `\ngpgsig ` and the armour's head, continuation lines indented. */
  readonly head: Uint8Array;
  readonly variable: number;
  readonly breaks: readonly number[];
  readonly end: Uint8Array;
}

export function headerLayout(armour: ArmourLayout): HeaderLayout {
  const indent = (text: string) => Buffer.from(text.replaceAll('\n', '\n '), 'latin1');
  return {
    signedDataHead: armour.signedDataHead,
    blobTail: armour.blobTail,
    head: Buffer.from(`\ngpgsig ${armour.head.replaceAll('\n', '\n ')}`, 'latin1'),
    variable: armour.variable,
    breaks: armour.breaks,
    end: indent(armour.end.replace(/\n$/, '')),
  };
}

function offsets() {
  const words = RING.controlWords + RING.slots * RING.slotWords;
  const ids = words * 4;
  const bytes = ids + RING.slots * RING.idBytes;
  return { ids, bytes, total: bytes + RING.slots * SLOT_BYTES };
}

export class SignerRing {
  readonly buffer: SharedArrayBuffer;
  readonly #control: Int32Array;
  readonly #words: Int32Array;
  readonly #ids: Buffer;
  readonly #bytes: Buffer;

  constructor() {
    const at = offsets();
    this.buffer = new SharedArrayBuffer(at.total);
    this.#control = new Int32Array(this.buffer, 0, RING.controlWords);
    this.#words = new Int32Array(this.buffer, RING.controlWords * 4, RING.slots * RING.slotWords);
    this.#ids = Buffer.from(this.buffer, at.ids, RING.slots * RING.idBytes);
    this.#bytes = Buffer.from(this.buffer, at.bytes);
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

  /** Writes commit number `seq` (its slot must be free); the thread finds it within POLL_MS, or is woken. */
  post(seq: number, orphan: Uint8Array, branch: number, parent: ParentOf): void {
    const slot = seq % RING.slots;
    const words = slot * RING.slotWords;
    this.#bytes.set(orphan, slot * SLOT_BYTES);
    this.#words[words + LENGTH] = orphan.byteLength;
    this.#words[words + BRANCH] = branch;
    this.#words[words + PARENT] = parent === null ? NONE : parent === 'follow' ? FOLLOW : GIVEN;
    if (parent !== null && parent !== 'follow') this.#ids.write(parent, slot * RING.idBytes, 40, 'latin1');
    Atomics.store(this.#control, POSTED, seq + 1);
    if (Atomics.load(this.#control, SLEEPING) !== 0) Atomics.notify(this.#control, POSTED);
  }

  /** Wakes the thread now, polling or asleep: the writer waits for it. */
  wake(): void {
    Atomics.notify(this.#control, POSTED);
  }

  /** Waits up to `ms` for the thread to answer more than `done` commits. */
  waitPast(done: number, ms: number): void {
    Atomics.wait(this.#control, DONE, done, ms);
  }

  /** The thread's answer for commit `seq` (done already). */
  answer(seq: number): Answer {
    const slot = seq % RING.slots;
    const at = slot * SLOT_BYTES + RING.templateBytes + RING.objectHead;
    const length = this.#words[slot * RING.slotWords + ANSWER_LENGTH] as number;
    const content = Buffer.allocUnsafe(length);
    this.#bytes.copy(content, 0, at, at + length);
    const id = slot * RING.idBytes + 40;
    return {
      branch: this.#words[slot * RING.slotWords + BRANCH] as number,
      oid: this.#ids.toString('latin1', id, id + 40),
      content,
    };
  }

  /** Commit `seq` as posted: its content without parent line, its branch and parent. */
  template(seq: number): { orphan: Buffer; branch: number; parent: ParentOf } {
    const slot = seq % RING.slots;
    const words = slot * RING.slotWords;
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
            : this.#ids.toString('latin1', slot * RING.idBytes, slot * RING.idBytes + 40),
    };
  }

  stop(): void {
    Atomics.store(this.#control, STOP, 1);
    Atomics.notify(this.#control, POSTED);
  }
}
