// What a mirror remembers of its remote across restarts: the archive refs it pushed
// (`<data>/mirrors/<name>.json`). Only those are ever deleted on the remote when retention
// removes them locally, so a new or restored data folder pointed at an existing remote never
// deletes archives it did not push. A record made for another URL is not used.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../domain/errors.ts';
import { writeFileDurably } from '../ledger/durable-file.ts';

const RemoteRecord = z.object({
  url: z.string(),
  archives: z.record(z.string().startsWith('refs/archive/'), z.string().regex(/^[0-9a-f]{40}$/)),
});

export function remoteStatePath(dataDir: string, name: string): string {
  return join(dataDir, 'mirrors', `${name}.json`);
}

/** The archive refs recorded as pushed to `url`; empty when there is no record for it. */
export function loadKnownArchives(path: string, url: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  let record: z.infer<typeof RemoteRecord>;
  try {
    record = RemoteRecord.parse(JSON.parse(text));
  } catch (cause) {
    throw new ConfigError([
      `${path}: the mirror's record of pushed archive refs is unreadable (${(cause as Error).message.split('\n')[0]}); ` +
        'remove it: the next push records again the archive refs the remote holds as they are here',
    ]);
  }
  return record.url === url ? new Map(Object.entries(record.archives)) : new Map();
}

export function saveKnownArchives(path: string, url: string, archives: ReadonlyMap<string, string>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileDurably(path, `${JSON.stringify({ url, archives: Object.fromEntries(archives) }, null, 2)}\n`);
}
