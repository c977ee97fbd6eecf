// git's delta format (pack-format.txt, "deltified representation"): a base size, a result size,
// then instructions that copy ranges of the base or insert literal bytes. The writer deltifies a
// tree against its previous version, which differs by one entry: a few dozen bytes instead of
// the whole tree (a folder of 2,000 resources has an 80 KB tree); and a blob or a commit against
// the previous version of the same file or the parent commit, which differ by a few lines.

import { findUnit, indexUnits } from './unit-index.ts';

const MAX_COPY = 0xffffff;

/** Where deltas are built (one at a time: the encoders are synchronous); each result is copied out. */
const SCRATCH = new Uint8Array(64 * 1024);

/** The instructions being written: a byte array that grows as needed. */
class Output {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.bytes = capacity <= SCRATCH.length ? SCRATCH : new Uint8Array(capacity);
  }

  reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + count));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  push(byte: number): void {
    this.reserve(1);
    this.bytes[this.length++] = byte;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

function varint(value: number, out: Output): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function copy(offset: number, size: number, out: Output): void {
  for (let done = 0; done < size; done += MAX_COPY) {
    const at = offset + done;
    const length = Math.min(MAX_COPY, size - done);
    out.reserve(8);
    const opAt = out.length++;
    let op = 0x80;
    for (let i = 0; i < 4; i += 1) {
      const byte = Math.floor(at / 2 ** (8 * i)) & 0xff;
      if (byte !== 0) {
        op |= 1 << i;
        out.bytes[out.length++] = byte;
      }
    }
    for (let i = 0; i < 3; i += 1) {
      const byte = (length >> (8 * i)) & 0xff;
      if (byte !== 0) {
        op |= 0x10 << i;
        out.bytes[out.length++] = byte;
      }
    }
    out.bytes[opAt] = op;
  }
}

function insert(data: Uint8Array, start: number, end: number, out: Output): void {
  for (let at = start; at < end; at += 127) {
    const chunk = Math.min(127, end - at);
    out.reserve(chunk + 1);
    out.bytes[out.length++] = chunk;
    out.bytes.set(data.subarray(at, at + chunk), out.length);
    out.length += chunk;
  }
}

/**
 * A delta turning `base` into `target`, which share a prefix and a suffix (anything in between
 * is inserted). Linear in the size; exactly right for a tree with one entry added, removed or changed.
 */
export function encodeDelta(base: Uint8Array, target: Uint8Array): Uint8Array {
  const limit = Math.min(base.length, target.length);
  let prefix = 0;
  while (prefix < limit && base[prefix] === target[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < limit - prefix && base[base.length - 1 - suffix] === target[target.length - 1 - suffix]) suffix += 1;
  const out = new Output(target.length - prefix - suffix + 64);
  varint(base.length, out);
  varint(target.length, out);
  if (prefix > 0) copy(0, prefix, out);
  insert(target, prefix, target.length - suffix, out);
  if (suffix > 0) copy(base.length - suffix, suffix, out);
  return out.result();
}

/** Copies shorter than this cost about as much as inserting the bytes. */
const MIN_COPY = 8;

function lineEnd(data: Uint8Array, at: number): number {
  const newline = data.indexOf(10, at);
  return newline < 0 ? data.length : newline + 1;
}

function sameBytes(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, length: number): boolean {
  if (aAt + length > a.length) return false;
  for (let i = 0; i < length; i += 1) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

/** Where a tree entry (`<mode> <name>\0` and a 20-byte id) that starts at `at` ends. */
function entryEnd(data: Uint8Array, at: number): number {
  const nul = data.indexOf(0, at);
  return nul < 0 ? data.length : Math.min(data.length, nul + 21);
}

/**
 * A delta turning `base` into `target` for text that changes by lines (YAML documents, commits):
 * each target line is looked up where the last copy ended, else by its content among the base's
 * lines, and a match is extended as far as the bytes agree; unmatched bytes are inserted.
 * Linear in the sizes (one table of the base's lines, unit-index.ts).
 */
export function encodeLineDelta(base: Uint8Array, target: Uint8Array): Uint8Array {
  return encodeUnitDelta(base, target, lineEnd);
}

/**
 * The same for two versions of a tree any number of changes apart, entry by entry: a folder's
 * version against one from dozens of commits before (object-store.ts, at the depth cap).
 */
export function encodeTreeDelta(base: Uint8Array, target: Uint8Array): Uint8Array {
  return encodeUnitDelta(base, target, entryEnd);
}

function encodeUnitDelta(
  base: Uint8Array,
  target: Uint8Array,
  lineEnd: (data: Uint8Array, at: number) => number,
): Uint8Array {
  indexUnits(base, lineEnd);
  const out = new Output(64 + (target.length >> 2));
  varint(base.length, out);
  varint(target.length, out);
  let literal = 0;
  let expected = 0;
  let at = 0;
  while (at < target.length) {
    const start = at;
    const end = lineEnd(target, at);
    const from = sameBytes(base, expected, target, at, end - at) ? expected : findUnit(target, at, end);
    let length = 0;
    if (from >= 0)
      while (at + length < target.length && from + length < base.length && base[from + length] === target[at + length])
        length += 1;
    if (length < MIN_COPY) {
      // Unmatched: the line goes into the literal; the base line in its place is skipped too.
      at = end;
      expected = expected < base.length ? lineEnd(base, expected) : expected;
      continue;
    }
    insert(target, literal, at, out);
    copy(from, length, out);
    at += length;
    literal = at;
    expected = from + length;
    let unitEnd = start;
    while (unitEnd < at) unitEnd = lineEnd(target, unitEnd);
    if (unitEnd !== at) {
      // The match ended inside a line: the rest of it is literal, and so is the base's.
      at = unitEnd;
      let baseEnd = from;
      while (baseEnd < expected) baseEnd = lineEnd(base, baseEnd);
      expected = baseEnd;
    }
  }
  insert(target, literal, target.length, out);
  return out.result();
}

/**
 * The delta when `target` is `base` with `width` bytes replaced at each of `offsets` (a tree
 * whose entries only changed ids): no scan, just copies around the replaced ranges.
 */
export function encodePatchDelta(
  base: Uint8Array,
  target: Uint8Array,
  offsets: readonly number[],
  width: number,
): Uint8Array {
  const out = new Output(64 + offsets.length * 32);
  varint(base.length, out);
  varint(target.length, out);
  let at = 0;
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    if (offset > at) copy(at, offset - at, out);
    insert(target, offset, offset + width, out);
    at = offset + width;
  }
  if (at < base.length) copy(at, base.length - at, out);
  return out.result();
}

/** Applies a delta as git does: the inverse of the encoders, which only the tests use to check them. */
export function applyDelta(base: Uint8Array, delta: Uint8Array): Uint8Array {
  let at = 0;
  const readVarint = (): number => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[at++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  if (readVarint() !== base.length) throw new RangeError('delta base size does not match');
  const out = new Uint8Array(readVarint());
  let written = 0;
  while (at < delta.length) {
    const op = delta[at++] as number;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let i = 0; i < 4; i += 1) if (op & (1 << i)) offset += (delta[at++] as number) * 2 ** (8 * i);
      for (let i = 0; i < 3; i += 1) if (op & (0x10 << i)) size |= (delta[at++] as number) << (8 * i);
      if (size === 0) size = 0x10000;
      out.set(base.subarray(offset, offset + size), written);
      written += size;
    } else {
      out.set(delta.subarray(at, at + op), written);
      written += op;
      at += op;
    }
  }
  if (written !== out.length) throw new RangeError('delta result size does not match');
  return out;
}
