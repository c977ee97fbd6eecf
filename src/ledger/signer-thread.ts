// The signing thread's side of the ring (signer-ring.ts): signs every commit posted, in order.
//
// The thread runs `serveRing` alone: its source is the thread's whole program (commit-signer.ts),
// so it uses nothing but its arguments and globals. Per commit it makes no copy of the commit
// but its answer: it writes the parent line and the `gpgsig` header in place around the posted
// bytes, the armour's constant parts written once per key (ArmourLayout), and hashes the object
// where it lies.
import type { KeyObject } from 'node:crypto';
import type { HeaderLayout, RING } from './signer-ring.ts';

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
