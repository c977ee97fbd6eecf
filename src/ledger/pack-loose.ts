// The loose objects a roll-up packs (pack-rollup.ts), as `git repack --geometric` packs them:
// the checkpoint tags and timestamp tokens written one by one (loose-object.ts). Each becomes
// a whole pack entry; its file is removed once the merged pack is in place.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { LedgerError } from '../domain/errors.ts';

const TYPE_CODES: Record<string, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };

export interface LooseObjects {
  /** The files, in the order of `names`. */
  readonly paths: readonly string[];
  /** Their ids, sorted, 20 bytes each. */
  readonly names: Buffer;
  /** Each one's pack entry (type and size, then its content deflated) and that entry's CRC32. */
  readonly entries: readonly Buffer[];
  readonly crcs: Buffer;
}

export interface LooseFile {
  readonly oid: string;
  readonly path: string;
}

/** The repository's loose objects, sorted by id. */
export async function listLooseObjects(gitdir: string): Promise<LooseFile[]> {
  const objects = join(gitdir, 'objects');
  const found: LooseFile[] = [];
  for (const folder of await readdir(objects)) {
    if (!/^[0-9a-f]{2}$/.test(folder)) continue;
    let names: string[];
    try {
      names = await readdir(join(objects, folder));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const name of names) {
      if (/^[0-9a-f]{38}$/.test(name)) found.push({ oid: folder + name, path: join(objects, folder, name) });
    }
  }
  return found.sort((a, b) => (a.oid < b.oid ? -1 : 1));
}

/** `found` (sorted by id) read as pack entries. */
export async function readLooseObjects(found: readonly LooseFile[]): Promise<LooseObjects> {
  const entries = await Promise.all(found.map(({ oid, path }) => looseEntry(oid, path)));
  const crcs = Buffer.allocUnsafe(entries.length * 4);
  entries.forEach((entry, index) => crcs.writeUInt32BE(crc32(entry) >>> 0, index * 4));
  return {
    paths: found.map(({ path }) => path),
    names: Buffer.from(found.map(({ oid }) => oid).join(''), 'hex'),
    entries,
    crcs,
  };
}

async function looseEntry(oid: string, path: string): Promise<Buffer> {
  const raw = inflateSync(await readFile(path));
  const space = raw.indexOf(0x20);
  const nul = raw.indexOf(0, space);
  const type = TYPE_CODES[raw.toString('latin1', 0, space)];
  const size = Number(raw.toString('latin1', space + 1, nul));
  if (type === undefined || nul < 0 || size !== raw.length - nul - 1)
    throw new LedgerError(`${path} is not a loose git object`);
  if (createHash('sha1').update(raw).digest('hex') !== oid) throw new LedgerError(`${path} does not hash to its name`);
  const content = raw.subarray(nul + 1);
  const header: number[] = [];
  let byte = (type << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    header.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  header.push(byte);
  return Buffer.concat([Buffer.from(header), deflateSync(content)]);
}
