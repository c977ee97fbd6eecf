// The file system isomorphic-git reads through during one push. isomorphic-git looks for
// every object as a loose file first and lists objects/pack again for each one: thousands of
// failing opens and directory reads per push of a large tree (3.4 s of 3.4 s profiled for 10
// commits on a 10k-file repository). The ledger writes packs only, so per push this answers
// "is there a loose object?" from one listing of its folder, and lists objects/pack once.
// Pushes start after the ref was read and the ledger writes objects before refs, so listings
// taken during the push include every object the pushed commits need.
import * as fs from 'node:fs';
import { basename, dirname } from 'node:path';

const LOOSE_OBJECT = /[\\/]objects[\\/]([0-9a-f]{2})[\\/]([0-9a-f]{38})$/;
const PACK_DIR = /[\\/]objects[\\/]pack[\\/]?$/;

// isomorphic-git only checks that the read failed; one shared error saves a stack trace per object.
const NOT_FOUND: NodeJS.ErrnoException = Object.freeze(
  Object.assign(new Error('ENOENT: no such loose object'), { code: 'ENOENT', errno: -2, syscall: 'open' }),
);

async function listing(path: string): Promise<Set<string>> {
  try {
    return new Set(await fs.promises.readdir(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
}

/** A node `fs` for one push: real reads, with directory listings of the object store cached. */
export function createPushFs(): { promises: typeof fs.promises } {
  const dirs = new Map<string, Promise<Set<string>>>();
  const list = (path: string) => {
    let entries = dirs.get(path);
    if (!entries) {
      entries = listing(path);
      dirs.set(path, entries);
    }
    return entries;
  };
  const readFile = (async (path: fs.PathLike | fs.promises.FileHandle, options?: unknown) => {
    if (typeof path === 'string' && LOOSE_OBJECT.test(path) && !(await list(dirname(path))).has(basename(path)))
      throw NOT_FOUND;
    return fs.promises.readFile(path, options as never);
  }) as typeof fs.promises.readFile;
  const readdir = (async (path: fs.PathLike, options?: unknown) => {
    if (typeof path === 'string' && options === undefined && PACK_DIR.test(path)) return [...(await list(path))];
    return fs.promises.readdir(path, options as never);
  }) as typeof fs.promises.readdir;
  return { promises: { ...fs.promises, readFile, readdir } };
}
