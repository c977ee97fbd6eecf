// What a killed writer can leave behind, cleaned up by the next one once it holds the writer
// lock: half-written packs under temporary names and stale ref lock files. Neither is ever
// visible to git (a pack counts only once its .idx exists; a ref only once renamed).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_PREFIX } from './pack-writer.ts';

/** A ref lock this old cannot belong to a live git command updating a ref. */
const STALE_LOCK_MS = 60_000;

export function removeCrashLeftovers(gitdir: string, now: number): string[] {
  const removed: string[] = [];
  const packDir = join(gitdir, 'objects', 'pack');
  for (const name of readdirSync(packDir)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    rmSync(join(packDir, name), { force: true });
    removed.push(join(packDir, name));
  }
  const heads = join(gitdir, 'refs', 'heads');
  for (const name of readdirSync(heads)) {
    const path = join(heads, name);
    if (!name.endsWith('.lock') || now - statSync(path).mtimeMs < STALE_LOCK_MS) continue;
    rmSync(path, { force: true });
    removed.push(path);
  }
  return removed;
}
