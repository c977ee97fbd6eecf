// The SSH wire encoding (RFC 4251 §5) that SSH keys and signatures are made of: big-endian
// uint32 lengths before byte strings, and base64 armour wrapped the way OpenSSH wraps it.

/** `uint32 length || bytes`, for each part, concatenated. */
export function sshStrings(...parts: ReadonlyArray<Uint8Array | string>): Buffer {
  const buffers = parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part)));
  const out = Buffer.allocUnsafe(buffers.reduce((size, buffer) => size + 4 + buffer.length, 0));
  let at = 0;
  for (const buffer of buffers) {
    out.writeUInt32BE(buffer.length, at);
    buffer.copy(out, at + 4);
    at += 4 + buffer.length;
  }
  return out;
}

export function uint32(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeUInt32BE(value, 0);
  return out;
}

/** Reads SSH wire values in order; throws a plain Error naming what was cut short (callers wrap it). */
export class SshReader {
  readonly #buffer: Buffer;
  #at = 0;

  constructor(buffer: Uint8Array) {
    this.#buffer = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  get remaining(): number {
    return this.#buffer.length - this.#at;
  }

  bytes(length: number, what: string): Buffer {
    if (this.remaining < length) throw new Error(`${what} is cut short`);
    const out = this.#buffer.subarray(this.#at, this.#at + length);
    this.#at += length;
    return out;
  }

  uint32(what: string): number {
    return this.bytes(4, what).readUInt32BE(0);
  }

  string(what: string): Buffer {
    return this.bytes(this.uint32(what), what);
  }

  text(what: string): string {
    return this.string(what).toString('utf8');
  }
}

/** PEM-style armour with base64 lines of 70 characters, as OpenSSH writes keys and signatures. */
export function armour(label: string, data: Uint8Array): string {
  return armourBase64(label, Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'));
}

/** `armour` of data already in base64. */
export function armourBase64(label: string, base64: string): string {
  let body = base64.slice(0, 70);
  for (let at = 70; at < base64.length; at += 70) body += `\n${base64.slice(at, at + 70)}`;
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** The bytes inside `label` armour, or null when the text holds no such armour. */
export function dearmour(label: string, text: string): Buffer | null {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end, start + begin.length);
  if (start < 0 || stop < 0) return null;
  const body = text.slice(start + begin.length, stop).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return null;
  return Buffer.from(body, 'base64');
}
