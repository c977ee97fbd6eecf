// The branches a mirror may push, read from the ledger's repository the way git resolves them:
// loose ref files under refs/heads, then packed-refs for the others. Loose
// files are read before packed-refs, so a `git pack-refs` running meanwhile (which writes
// packed-refs before removing the loose file) never makes a ref look deleted.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export const MIRRORED_NAMESPACES = ['refs/heads/'] as const;
const OBJECT_ID = /^[0-9a-f]{40}$/;

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function looseRefNames(gitdir: string, namespace: string): Promise<string[]> {
  try {
    const entries = await readdir(join(gitdir, namespace), { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && !entry.name.endsWith('.lock'))
      .map((entry) => relative(gitdir, join(entry.parentPath, entry.name)).split(sep).join('/'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Every ref under refs/heads/ with the object it names. */
export async function readLocalRefs(gitdir: string): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  for (const namespace of MIRRORED_NAMESPACES) {
    for (const name of await looseRefNames(gitdir, namespace)) {
      const value = (await readOrNull(join(gitdir, name)))?.trim();
      if (value !== undefined && OBJECT_ID.test(value)) refs.set(name, value);
    }
  }
  const packed = (await readOrNull(join(gitdir, 'packed-refs'))) ?? '';
  for (const line of packed.split('\n')) {
    const [oid = '', name = ''] = line.split(' ');
    if (!OBJECT_ID.test(oid) || refs.has(name)) continue;
    if (MIRRORED_NAMESPACES.some((namespace) => name.startsWith(namespace))) refs.set(name, oid);
  }
  return refs;
}
