// Small files replaced atomically and durably: written to a temp name, fsynced, renamed over
// the old one, then the directory fsynced so the rename itself survives a power cut. For the
// journal's checkpoint and the sources' state files; refs and packs fsync their directory too.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function fsyncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with `data` (mode 0600): after a crash the file holds the old or the new content, whole. */
export function writeFileDurably(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp`;
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const fd = openSync(temp, 'w', 0o600);
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  fsyncDirectory(dirname(path));
}
