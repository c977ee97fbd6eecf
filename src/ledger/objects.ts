// Git object encoding: hashing, tree and commit serialisation. Pure apart from hashing.
import { createHash, hash } from 'node:crypto';
import { cleanHeaderText } from '../domain/text.ts';

export type ObjectType = 'blob' | 'tree' | 'commit';

/** An object ready to be packed: its id and its uncompressed content. */
export interface GitObject {
  readonly type: ObjectType;
  readonly oid: string;
  readonly content: Uint8Array;
  /** The content already zlib-compressed (a worker may do it to spare the writer). */
  readonly deflated?: Uint8Array;
  /** A git delta producing `content` from the object `base`, used when `base` is in the same pack. */
  readonly delta?: { readonly base: string; readonly data: Uint8Array };
}

export const EMPTY_TREE_OID = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/**
 * Header and content side by side, for one-shot hashing: for the writer's objects (trees of a
 * few hundred bytes, blobs of a few KB) a Hash object per call cost more than the hashing.
 */
const scratch = Buffer.allocUnsafeSlow(256 * 1024);

export function hashObject(type: ObjectType, content: Uint8Array): string {
  // A large tree (a folder of thousands) is hashed in place: copying it costs more than a Hash object.
  if (content.length > 64 * 1024)
    return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
  const at = scratch.write(`${type} ${content.length}\0`, 0, 'latin1');
  scratch.set(content, at);
  return hash('sha1', scratch.subarray(0, at + content.length), 'hex');
}

/** Nibble by character code, for writeOid. */
const NIBBLE = new Uint8Array(128);
for (let digit = 0; digit < 16; digit += 1) NIBBLE[digit.toString(16).charCodeAt(0)] = digit;

/**
 * Writes a 40-digit lowercase hex id as its 20 bytes at `at`, as `Buffer.write(oid, at, 20, 'hex')`
 * does: without its native call, which cost the writer more than the bytes (a few per commit).
 */
export function writeOid(out: Uint8Array, at: number, oid: string): void {
  for (let i = 0; i < 20; i += 1)
    out[at + i] = ((NIBBLE[oid.charCodeAt(2 * i)] as number) << 4) | (NIBBLE[oid.charCodeAt(2 * i + 1)] as number);
}

export function makeObject(type: ObjectType, content: Uint8Array): GitObject {
  return { type, oid: hashObject(type, content), content };
}

export type TreeMode = '100644' | '40000';

export interface TreeEntry {
  readonly name: string;
  readonly mode: TreeMode;
  readonly oid: string;
}

const ASCII = /^[\x00-\x7f]*$/;

/** git's tree order: byte order of names, where a tree's name compares as `name/`. */
export function compareTreeEntries(a: TreeEntry, b: TreeEntry): number {
  const x = a.mode === '40000' ? `${a.name}/` : a.name;
  const y = b.mode === '40000' ? `${b.name}/` : b.name;
  // For ASCII, string order is byte order; UTF-8 byte order differs from UTF-16 order beyond it.
  if (ASCII.test(x) && ASCII.test(y)) return x < y ? -1 : x > y ? 1 : 0;
  return Buffer.compare(Buffer.from(x), Buffer.from(y));
}

/** The `<mode> <name>\0` prefix of a tree entry; cached by callers that rewrite a tree often. */
export function treeEntryHead(entry: TreeEntry): Buffer {
  return Buffer.from(`${entry.mode} ${entry.name}\0`);
}

/** Serialises entries that are already in tree order (`heads[i]` is entry i's cached prefix). */
export function serializeTree(sorted: readonly TreeEntry[], cachedHeads?: readonly Buffer[]): Uint8Array {
  let size = 0;
  const heads = cachedHeads ?? sorted.map(treeEntryHead);
  for (const head of heads) size += head.length + 20;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  sorted.forEach((entry, index) => {
    const head = heads[index] as Buffer;
    head.copy(out, at);
    at += head.length;
    at += out.write(entry.oid, at, 20, 'hex');
  });
  return out;
}

export function parseTree(content: Uint8Array): TreeEntry[] {
  const buffer = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < buffer.length) {
    const space = buffer.indexOf(0x20, at);
    const nul = buffer.indexOf(0, space);
    const mode = buffer.toString('latin1', at, space);
    entries.push({
      mode: mode === '40000' ? '40000' : '100644',
      name: buffer.toString('utf8', space + 1, nul),
      oid: buffer.toString('hex', nul + 1, nul + 21),
    });
    at = nul + 21;
  }
  return entries;
}

export interface Signature {
  readonly name: string;
  readonly email: string;
  /** Epoch milliseconds; git keeps seconds. */
  readonly time: number;
}

/** `Name <email> <seconds> +0000`, as in `author`, `committer` and `tagger` lines. */
export function formatSignature(who: Signature): string {
  return `${identity(who.name, who.email)} ${Math.floor(who.time / 1000)} +0000`;
}

/** `Name <email>` by name and email: a backfill has few actors and writes them on every commit. */
const identities = new Map<string, string>();

function identity(name: string, email: string): string {
  const key = `${name.length}:${name}${email}`;
  let known = identities.get(key);
  if (known === undefined) {
    known = `${cleanHeaderText(name).replace(/[<>]/g, '')} <${cleanHeaderText(email).replace(/[<>]/g, '')}>`;
    if (identities.size >= 4096) identities.clear();
    identities.set(key, known);
  }
  return known;
}

export interface CommitFields {
  readonly tree: string;
  readonly parent: string | null;
  readonly author: Signature;
  readonly committer: Signature;
  readonly message: string;
}

/** Signs a commit's bytes; returns the armoured signature (SSHSIG, ending in a newline). */
export type SignPayload = (payload: Uint8Array) => string;

/**
 * The commit object's content. With `sign`, the signature of the unsigned content goes into a
 * `gpgsig` header after `committer` (see withSignature): what git writes for `commit -S`.
 */
export function serializeCommit(commit: CommitFields, sign?: SignPayload): Uint8Array {
  const head = [`tree ${commit.tree}`];
  if (commit.parent) head.push(`parent ${commit.parent}`);
  head.push(`author ${formatSignature(commit.author)}`, `committer ${formatSignature(commit.committer)}`);
  const unsigned = Buffer.from(`${head.join('\n')}\n\n${commit.message}`);
  return sign ? withSignature(unsigned, sign(unsigned)) : unsigned;
}

/**
 * An unsigned commit's content with `armour`, its signature, as a `gpgsig` header after the
 * header lines, each continuation line starting with a space; git strips it again before
 * `verify-commit` checks the signature.
 */
export function withSignature(unsigned: Uint8Array, armour: string): Uint8Array {
  const bytes = Buffer.from(unsigned.buffer, unsigned.byteOffset, unsigned.byteLength);
  const end = bytes.indexOf('\n\n');
  const header = `\ngpgsig ${armour.replace(/\n$/, '').replaceAll('\n', '\n ')}`;
  const out = Buffer.allocUnsafe(unsigned.byteLength + Buffer.byteLength(header));
  bytes.copy(out, 0, 0, end);
  const at = end + out.write(header, end);
  bytes.copy(out, at, end);
  return out;
}

/** A commit's content given without its parent line (`serializeCommit` with no parent), with `parent`. */
export function withParent(orphan: Uint8Array, parent: string | null): Uint8Array {
  if (parent === null) return orphan;
  const bytes = Buffer.from(orphan.buffer, orphan.byteOffset, orphan.byteLength);
  const treeLine = bytes.indexOf(0x0a) + 1;
  return Buffer.concat([bytes.subarray(0, treeLine), Buffer.from(`parent ${parent}\n`), bytes.subarray(treeLine)]);
}
