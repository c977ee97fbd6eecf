// git's delta format (pack-format.txt, "deltified representation"): a base size, a result size,
// then instructions that copy ranges of the base or insert literal bytes. The writer deltifies a
// tree against its previous version, which differs by one entry: a few dozen bytes instead of
// the whole tree (a folder of 2,000 resources has an 80 KB tree).

const MAX_COPY = 0xffffff;

function varint(value: number, out: number[]): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function copy(offset: number, size: number, out: number[]): void {
  for (let done = 0; done < size; done += MAX_COPY) {
    const at = offset + done;
    const length = Math.min(MAX_COPY, size - done);
    let op = 0x80;
    const bytes: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const byte = Math.floor(at / 2 ** (8 * i)) & 0xff;
      if (byte !== 0) {
        op |= 1 << i;
        bytes.push(byte);
      }
    }
    for (let i = 0; i < 3; i += 1) {
      const byte = (length >> (8 * i)) & 0xff;
      if (byte !== 0) {
        op |= 0x10 << i;
        bytes.push(byte);
      }
    }
    out.push(op, ...bytes);
  }
}

function insert(data: Uint8Array, start: number, end: number, out: number[]): void {
  for (let at = start; at < end; at += 127) {
    const chunk = Math.min(127, end - at);
    out.push(chunk);
    for (let i = 0; i < chunk; i += 1) out.push(data[at + i] as number);
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
  const out: number[] = [];
  varint(base.length, out);
  varint(target.length, out);
  if (prefix > 0) copy(0, prefix, out);
  insert(target, prefix, target.length - suffix, out);
  if (suffix > 0) copy(base.length - suffix, suffix, out);
  return Uint8Array.from(out);
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
  const out: number[] = [];
  varint(base.length, out);
  varint(target.length, out);
  let at = 0;
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    if (offset > at) copy(at, offset - at, out);
    insert(target, offset, offset + width, out);
    at = offset + width;
  }
  if (at < base.length) copy(at, base.length - at, out);
  return Uint8Array.from(out);
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
