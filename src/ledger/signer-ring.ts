// The ring in shared memory through which the writer hands commits to the signing thread
// (commit-signer.ts). Each slot holds a commit without its parent line, the branch it goes on
// and its parent: given, none, or `follow` (the branch's previous commit in the ring, whose id
// only the thread knows yet); the thread answers in the same slot the signed commit and its id.
// Two counters order everything: `posted` (the writer's) and `done` (the thread's); a slot is
// the writer's again once it has read the answer.
//
// Waking a sleeping thread is dear (~150 µs of the waker's CPU on a 2-vCPU VM here, the price of
// an inter-processor interrupt), so the writer wakes the thread only when it waits for it: while
// commits come, the thread looks at the ring every POLL_MS on its own timer (the ring holds more
// than that many milliseconds of commits), and only after IDLE_POLLS empty looks does it sleep
// until woken.
//
// The thread runs `serveRing` alone: its source is the thread's whole program (commit-signer.ts),
// so it uses nothing but its arguments and globals. Per commit it makes no copy of the commit
// but its answer: it writes the parent line and the `gpgsig` header in place around the posted
// bytes, the armour's constant parts written once per key (ArmourLayout), and hashes the object
// where it lies.
import type { KeyObject } from 'node:crypto';
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

/** What `serveRing` uses of node:crypto. */
export interface RingCrypto {
  hash(algorithm: string, data: Uint8Array, encoding: 'buffer'): Buffer;
  hash(algorithm: string, data: Uint8Array, encoding: 'hex'): string;
  sign(algorithm: null, data: Uint8Array, key: KeyObject): Buffer;
}

/**
 * The signing thread's program: signs every commit posted to the ring in `buffer`, in order, until
 * stopped, exactly as `withSignature(withParent(…), signSsh(…))` would. Self-contained (see above).
 */
export function serveRing(
  buffer: SharedArrayBuffer,
  ring: typeof RING,
  layout: HeaderLayout,
  privateKey: KeyObject,
  crypto: RingCrypto,
): void {
  const [posted, done, stop, failed, ready, sleeping] = [0, 1, 2, 3, 4, 5];
  const slotBytes = ring.templateBytes + ring.answerBytes;
  const words = ring.controlWords + ring.slots * ring.slotWords;
  const control = new Int32Array(buffer, 0, ring.controlWords);
  const slotWords = new Int32Array(buffer, ring.controlWords * 4, ring.slots * ring.slotWords);
  const ids = Buffer.from(buffer, words * 4, ring.slots * ring.idBytes);
  const bytes = Buffer.from(buffer, words * 4 + ring.slots * ring.idBytes);
  const data = Buffer.alloc(layout.signedDataHead.length + 64);
  data.set(layout.signedDataHead);
  const tail = Buffer.alloc(layout.blobTail.length + 64);
  tail.set(layout.blobTail);
  const header = layout.head.length + layout.variable + 2 * layout.breaks.length + layout.end.length;
  const parentLine = Buffer.from('parent ', 'latin1');
  /** Each branch's last commit signed, as hex. */
  const heads = new Map<number, string>();

  /** Signs commit `seq` in its slot; answers its id, or null when it does not fit. */
  const signOne = (seq: number): string | null => {
    const slot = seq % ring.slots;
    const template = slot * slotBytes;
    const length = slotWords[slot * ring.slotWords] as number;
    const branch = slotWords[slot * ring.slotWords + 1] as number;
    const mode = slotWords[slot * ring.slotWords + 2] as number;
    const parent = mode === 1 ? slot * ring.idBytes : -1;
    const follow = mode === 2 ? (heads.get(branch) ?? null) : null;
    const start = template + ring.templateBytes + ring.objectHead;
    // The commit with its parent line, after its tree line.
    const treeLine = bytes.indexOf(0x0a, template) + 1 - template;
    let at = start + bytes.copy(bytes, start, template, template + treeLine);
    if (parent >= 0 || follow !== null) {
      at += parentLine.copy(bytes, at);
      at += parent >= 0 ? ids.copy(bytes, at, parent, parent + 40) : bytes.write(follow as string, at, 40, 'latin1');
      bytes[at] = 0x0a;
      at += 1;
    }
    const headersEnd = bytes.indexOf('\n\n', template + treeLine) - template + (at - start - treeLine);
    at += bytes.copy(bytes, at, template + treeLine, template + length);
    const unsigned = at - start;
    if (unsigned + header > ring.answerBytes - ring.objectHead) return null;
    crypto.hash('sha512', bytes.subarray(start, at), 'buffer').copy(data, layout.signedDataHead.length);
    crypto.sign(null, data, privateKey).copy(tail, layout.blobTail.length);
    const base64 = tail.toString('base64');
    // The message (from the blank line on) moves up to make room for the header.
    const headerAt = start + headersEnd;
    bytes.copyWithin(headerAt + header, headerAt, at);
    bytes.set(layout.head, headerAt);
    let to = headerAt + layout.head.length;
    let from = 0;
    for (const line of layout.breaks) {
      to += bytes.write(base64.slice(from, line), to, 'latin1');
      bytes[to] = 0x0a;
      bytes[to + 1] = 0x20;
      to += 2;
      from = line;
    }
    to += bytes.write(base64.slice(from), to, 'latin1');
    bytes.set(layout.end, to);
    const size = unsigned + header;
    const objectHead = `commit ${size}\u0000`;
    bytes.write(objectHead, start - objectHead.length, 'latin1');
    const oid = crypto.hash('sha1', bytes.subarray(start - objectHead.length, start + size), 'hex');
    slotWords[slot * ring.slotWords + 3] = size;
    heads.set(branch, oid);
    ids.write(oid, slot * ring.idBytes + 40, 40, 'latin1');
    return oid;
  };

  Atomics.store(control, ready, 1);
  let idle = 0;
  for (let seq = Atomics.load(control, done); Atomics.load(control, stop) === 0; ) {
    const last = Atomics.load(control, posted);
    if (seq === last) {
      idle += 1;
      if (idle <= ring.idlePolls) Atomics.wait(control, posted, last, ring.pollMs);
      else {
        // The writer checks SLEEPING after posting: it either sees it set or its commit is seen here.
        Atomics.store(control, sleeping, 1);
        if (Atomics.load(control, posted) === last) Atomics.wait(control, posted, last);
        Atomics.store(control, sleeping, 0);
        idle = 0;
      }
      continue;
    }
    idle = 0;
    for (; seq < last; seq += 1) {
      let oid: string | null = null;
      try {
        oid = signOne(seq);
      } catch {
        oid = null;
      }
      if (oid === null) {
        // The writer signs this commit and the rest itself.
        Atomics.store(control, failed, 1);
        Atomics.notify(control, done);
        return;
      }
      Atomics.store(control, done, seq + 1);
      Atomics.notify(control, done);
    }
  }
}
