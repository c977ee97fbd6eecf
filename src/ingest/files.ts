// Input files for `gitrail ingest`: named files and folders walked recursively (sorted, so
// AWSLogs trees replay in delivery order), opened as text streams, gunzipped by magic bytes.
import { createReadStream, openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DEFAULT_MAX_INFLATED_BYTES, gunzipCappedStream } from '../domain/gunzip.ts';
import { parseDigestName } from '../formats/cloudtrail/digests/digest-file.ts';
import type { LogFileExpectation } from '../formats/cloudtrail/digests/verify-digests.ts';

const DATA_FILE = /\.(json|jsonl|ndjson|log|ya?ml)(\.gz)?$|\.gz$/i;

export interface InputFile {
  readonly path: string;
  /**
   * Set on a CloudTrail log file when digest files of its account and region were given: what
   * they record about it (undefined when none lists it). Its changes get `Log-File-Digest:`.
   */
  readonly digest?: { readonly expected: LogFileExpectation | undefined };
}

export interface InputListing {
  readonly files: InputFile[];
  /** Named paths that do not exist or cannot be listed. */
  readonly unreadable: Array<{ readonly path: string; readonly reason: string }>;
  /** CloudTrail digest files (`CloudTrail-Digest/`), which hold no records but check the log files. */
  readonly digests: string[];
}

/** Expands folders, where it skips files that cannot hold records, and sets digest files apart. */
export function listInputFiles(paths: readonly string[]): InputListing {
  const files: InputFile[] = [];
  const digests: string[] = [];
  const add = (path: string): void => {
    if (parseDigestName(path)) digests.push(path);
    else files.push({ path });
  };
  const unreadable: InputListing['unreadable'] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) walk(full);
      } else if (entry.isFile() && DATA_FILE.test(entry.name)) add(full);
    }
  };
  for (const path of paths) {
    try {
      if (statSync(path).isDirectory()) walk(path);
      else add(path); // named on the command line: read whatever its name
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EACCES' && code !== 'ENOTDIR') throw error;
      unreadable.push({ path, reason: code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code})` });
    }
  }
  return { files, unreadable, digests };
}

/** Whether the file is gzip, by its magic bytes (not its name). */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes as a stream, gunzipped when it is gzip (by content, not by name), up to `maxInflatedBytes`. */
export function openInput(path: string, maxInflatedBytes = DEFAULT_MAX_INFLATED_BYTES): Readable {
  const raw = createReadStream(path);
  const cap = { maxBytes: maxInflatedBytes, setting: 'limits.maxInflatedBytes' };
  return isGzipFile(path) ? gunzipCappedStream(raw, cap, 'the file') : raw;
}
