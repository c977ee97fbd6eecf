// What a killed writer can leave behind, cleaned up by the next one once it holds the writer
// lock: half-written packs under temporary names, stale ref lock files, a `.pack` whose `.idx`
// a killed pack roll-up already removed (it removes `.idx` before `.pack`), and the delta hints
// (pack-hints.ts) of packs that are gone or half-written. None is visible to
// git as objects (a pack counts only once its .idx exists; a ref only once renamed).
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { removeOrphanHints } from './pack-hints.ts';
import { TEMP_PREFIX } from './pack-writer.ts';

/** A ref lock or index-less pack this old cannot belong to a live git command. */
const STALE_LOCK_MS = 60_000;

export function removeCrashLeftovers(gitdir: string, now: number): string[] {
  const removed: string[] = [];
  const packDir = join(gitdir, 'objects', 'pack');
  for (const name of readdirSync(packDir)) {
    const path = join(packDir, name);
    // An index-less pack younger than this may be one git itself is finishing (it renames .pack before .idx).
    const orphan =
      /^pack-[0-9a-f]{40}\.pack$/.test(name) &&
      !existsSync(path.replace(/\.pack$/, '.idx')) &&
      now - statSync(path).mtimeMs >= STALE_LOCK_MS;
    if (!name.startsWith(TEMP_PREFIX) && !orphan) continue;
    rmSync(join(packDir, name), { force: true });
    removed.push(join(packDir, name));
  }
  removed.push(...removeOrphanHints(gitdir, now - STALE_LOCK_MS));
  const heads = join(gitdir, 'refs', 'heads');
  for (const name of readdirSync(heads)) {
    const path = join(heads, name);
    if (!name.endsWith('.lock') || now - statSync(path).mtimeMs < STALE_LOCK_MS) continue;
    rmSync(path, { force: true });
    removed.push(path);
  }
  return removed;
}
