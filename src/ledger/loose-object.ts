// Single objects written loose (zlib, `objects/ab/cdef…`), for what is not written with a batch
// of commits: checkpoint tags and timestamp tokens. Durable and atomic as git does it: a temp
// file (`tmp_obj_*`, which git's own gc cleans up), fsync, rename into place, fsync the folder,
// safe against the repack the ledger runs meanwhile.
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
  // The ledger's repack runs beside the writer, and its prune-packed removes object folders it
  // finds empty: one made here may go before the rename. Made again, the rename is retried.
  for (let attempt = 1; ; attempt += 1) {
    try {
      renameSync(temp, path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5 || !existsSync(temp)) throw error;
      mkdirSync(folder, { recursive: true });
    }
  }
  try {
    fsyncDirectory(folder);
  } catch (error) {
    // Gone again only because a repack packed the object (prune-packed deletes packed objects only).
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return oid;
}
