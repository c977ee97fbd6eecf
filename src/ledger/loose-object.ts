// Single objects written loose (zlib, `objects/ab/cdef…`), for what is not written with a batch
// of commits: checkpoint tags and timestamp tokens. Durable and atomic as git does it: a temp
// file (`tmp_obj_*`, which git's own gc cleans up), fsync, rename into place, fsync the folder.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { fsyncDirectory, writeSynced } from './durable-file.ts';

export type LooseType = 'tag' | 'blob';

export function hashLoose(type: LooseType, content: Uint8Array): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

/** Writes the object unless the repository has it loose already; returns its id. */
export function writeLooseObject(gitdir: string, type: LooseType, content: Uint8Array): string {
  const oid = hashLoose(type, content);
  const folder = join(gitdir, 'objects', oid.slice(0, 2));
  const path = join(folder, oid.slice(2));
  if (existsSync(path)) return oid;
  mkdirSync(folder, { recursive: true });
  const temp = join(gitdir, 'objects', `tmp_obj_${randomBytes(6).toString('hex')}`);
  writeSynced(temp, deflateSync(Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content])), {
    flag: 'wx',
    mode: 0o444,
  });
  renameSync(temp, path);
  fsyncDirectory(folder);
  return oid;
}
