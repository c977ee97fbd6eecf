// Writes objects as one packfile (v2, no deltas) with its `.idx` (v2), durably: temp names,
// fsync, the `.pack` renamed before the `.idx` (git and isomorphic-git only see a pack once
// its index exists), then the directory fsynced. `git repack` adds deltas later.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { zlibStored } from './zlib-stored.ts';
import type { GitObject, ObjectType } from './objects.ts';

/** Temporary names of packs being written; any left behind by a crash is removed at open. */
export const TEMP_PREFIX = 'gitrail-tmp-';

const TYPE_CODES: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3 };

function entryHeader(type: ObjectType, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (TYPE_CODES[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/** An object compressed for a pack entry (zlib of the content, no loose header). */
export interface PackedObject {
  readonly type: ObjectType;
  readonly oid: string;
  readonly size: number;
  readonly deflated: Uint8Array;
}

export function compressObject(object: GitObject): PackedObject {
  return { type: object.type, oid: object.oid, size: object.content.length, deflated: object.deflated ?? zlibStored(object.content) };
}

function writeAll(fd: number, chunks: readonly Uint8Array[]): void {
  for (const chunk of chunks) {
    let at = 0;
    while (at < chunk.length) at += writeSync(fd, chunk, at, chunk.length - at);
  }
}

function writeDurably(path: string, chunks: readonly Uint8Array[]): void {
  const fd = openSync(path, 'wx', 0o444);
  try {
    // One write per few MiB instead of one per object: a pack holds thousands of entries.
    writeAll(fd, [Buffer.concat(chunks)]);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function fsyncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `objects` (unique oids) into `<packDir>/pack-<sha>.{pack,idx}`; returns the pack sha. */
export function writePack(packDir: string, objects: readonly PackedObject[]): string {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const chunks: Uint8Array[] = [header];
  const packHash = createHash('sha1').update(header);
  const entries: Array<{ oid: Buffer; offset: number; crc: number }> = [];
  let offset = header.length;
  for (const object of objects) {
    const head = entryHeader(object.type, object.size);
    entries.push({ oid: Buffer.from(object.oid, 'hex'), offset, crc: crc32(object.deflated, crc32(head)) });
    chunks.push(head, object.deflated);
    packHash.update(head).update(object.deflated);
    offset += head.length + object.deflated.length;
  }
  const packSum = packHash.digest();
  chunks.push(packSum);

  entries.sort((a, b) => Buffer.compare(a.oid, b.oid));
  const fanout = Buffer.alloc(256 * 4);
  let count = 0;
  for (let first = 0; first < 256; first += 1) {
    while (count < entries.length && (entries[count] as { oid: Buffer }).oid[0] === first) count += 1;
    fanout.writeUInt32BE(count, first * 4);
  }
  const large = entries.filter((entry) => entry.offset >= 0x80000000);
  const crcs = Buffer.alloc(entries.length * 4);
  const offsets = Buffer.alloc(entries.length * 4);
  const largeOffsets = Buffer.alloc(large.length * 8);
  let largeIndex = 0;
  entries.forEach((entry, index) => {
    crcs.writeUInt32BE(entry.crc, index * 4);
    if (entry.offset < 0x80000000) offsets.writeUInt32BE(entry.offset, index * 4);
    else {
      offsets.writeUInt32BE((0x80000000 | largeIndex) >>> 0, index * 4);
      largeOffsets.writeBigUInt64BE(BigInt(entry.offset), largeIndex * 8);
      largeIndex += 1;
    }
  });
  const idxHead = Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]);
  const idxBody = [idxHead, fanout, ...entries.map((entry) => entry.oid), crcs, offsets, largeOffsets, packSum];
  const idxHash = createHash('sha1');
  for (const chunk of idxBody) idxHash.update(chunk);
  idxBody.push(idxHash.digest());

  const name = packSum.toString('hex');
  const temp = join(packDir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
  writeDurably(`${temp}.pack`, chunks);
  writeDurably(`${temp}.idx`, idxBody);
  renameSync(`${temp}.pack`, join(packDir, `pack-${name}.pack`));
  renameSync(`${temp}.idx`, join(packDir, `pack-${name}.idx`));
  fsyncDirectory(packDir);
  return name;
}
