// Small files replaced atomically and durably: written to a temp name, fsynced, renamed over
// the old one, then the directory fsynced so the rename itself survives a power cut. For the
// journal's checkpoint and the sources' state files; refs and packs fsync their directory too.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export function fsyncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` with `data` and fsyncs it; `flag` 'wx' refuses an existing file. */
export function writeSynced(path: string, data: Uint8Array, options: { flag: 'w' | 'wx'; mode: number }): void {
  const fd = openSync(path, options.flag, options.mode);
  try {
    let at = 0;
    while (at < data.length) at += writeSync(fd, data, at, data.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with `data` (mode 0600): after a crash the file holds the old or the new content, whole. */
export function writeFileDurably(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp`;
  writeSynced(temp, typeof data === 'string' ? Buffer.from(data) : data, { flag: 'w', mode: 0o600 });
  renameSync(temp, path);
  fsyncDirectory(dirname(path));
}

/**
 * writeFileDurably with its writes and fsyncs on libuv's pool instead of the event loop (the
 * journal checkpoint, written while intake requests wait for turns). One writer per path at a
 * time: concurrent calls would share the temp name.
 */
export async function writeFileDurablyAsync(path: string, data: string): Promise<void> {
  const temp = `${path}.tmp`;
  const file = await open(temp, 'w', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
