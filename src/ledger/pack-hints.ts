// Deltas a pack could not hold (issue 12). A pack on disk must be whole, so the first version of
// a folder in each of the writer's packs is stored whole although the writer computed its delta
// against the folder's previous version, which sits in an earlier pack: at 100k resources 25k
// such trees were 50 MB of a 255 MB repository. The writer keeps those deltas beside the pack in
// `objects/info/gitrail-deltas/pack-<hash>.deltas`, and the pack roll-up, once it merges both
// packs into one, stores the version as a REF_DELTA against its base (pack-rollup.ts). Losing a
// hints file (a kill between the pack and it) only leaves the object whole, as before.
//
// Format: `GRDH`, a 4-byte version (1), then per delta: the object's 20-byte id, its base's, a
// 4-byte length and the delta (git's format, uncompressed). A short last record is ignored.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const MAGIC = 'GRDH';
const VERSION = 1;

export interface DeltaHint {
  readonly oid: Buffer;
  readonly base: Buffer;
  readonly data: Uint8Array;
}

export function hintsFolder(gitdir: string): string {
  return join(gitdir, 'objects', 'info', 'gitrail-deltas');
}

/** The hints file of the pack at `packBase` (its path without `.pack`). */
export function hintsFileOf(gitdir: string, packBase: string): string {
  return join(hintsFolder(gitdir), `${basename(packBase)}.deltas`);
}

/** Writes the hints of pack `pack-<name>` (nothing when there are none); atomic, not fsynced. */
export function writeHints(gitdir: string, name: string, hints: readonly DeltaHint[]): void {
  if (hints.length === 0) return;
  const length = hints.reduce((sum, hint) => sum + 44 + hint.data.length, 8);
  const bytes = Buffer.allocUnsafe(length);
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32BE(VERSION, 4);
  let at = 8;
  for (const hint of hints) {
    hint.oid.copy(bytes, at);
    hint.base.copy(bytes, at + 20);
    bytes.writeUInt32BE(hint.data.length, at + 40);
    bytes.set(hint.data, at + 44);
    at += 44 + hint.data.length;
  }
  const folder = hintsFolder(gitdir);
  mkdirSync(folder, { recursive: true });
  const target = join(folder, `pack-${name}.deltas`);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, target);
}

/** The hints in `path`; none when it is missing or not a hints file. */
export function readHints(path: string): DeltaHint[] {
  if (!existsSync(path)) return [];
  const bytes = readFileSync(path);
  if (bytes.length < 8 || bytes.toString('latin1', 0, 4) !== MAGIC || bytes.readUInt32BE(4) !== VERSION) return [];
  const hints: DeltaHint[] = [];
  let at = 8;
  while (at + 44 <= bytes.length) {
    const size = bytes.readUInt32BE(at + 40);
    if (at + 44 + size > bytes.length) break;
    hints.push({
      oid: bytes.subarray(at, at + 20),
      base: bytes.subarray(at + 20, at + 40),
      data: bytes.subarray(at + 44, at + 44 + size),
    });
    at += 44 + size;
  }
  return hints;
}

/**
 * Removes the hints files of packs no longer in the pack folder (merged away, or never put in
 * place), and half-written ones last changed at or before `staleTempsBefore` (a killed writer's: without
 * it none, as one may be being written beside the roll-up). Returns the paths removed.
 */
export function removeOrphanHints(gitdir: string, staleTempsBefore = Number.NEGATIVE_INFINITY): string[] {
  const folder = hintsFolder(gitdir);
  if (!existsSync(folder)) return [];
  const packDir = join(gitdir, 'objects', 'pack');
  const removed: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    const orphan = name.endsWith('.tmp')
      ? statSync(path).mtimeMs <= staleTempsBefore
      : !existsSync(join(packDir, name.replace(/\.deltas$/, '.idx')));
    if (!orphan) continue;
    rmSync(path, { force: true });
    removed.push(path);
  }
  return removed;
}
