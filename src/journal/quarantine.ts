// The quarantine (issue 10, DESIGN §5): a journal record that still fails after the edge (a bug
// not found yet, a document a later change would grow past the limit) is kept in
// `<data>/quarantine/<id>.json` with its error and event id, and the drain goes on with the next
// one. The record is stored as the journal held it: normalised and redacted, no secret in clear.
// `gitrail quarantine retry` marks entries (`<id>.retry.json`); the daemon journals them again.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../domain/errors.ts';
import { writeFileDurably } from '../ledger/durable-file.ts';
import { dataFolder } from '../domain/data-folder.ts';

export type QuarantineKind = 'change' | 'facts' | 'batch';

export interface QuarantineEntry {
  /**
   * `change-<hash>` (of its source, event id and path: the same record, replayed or posted
   * again, is held once), `facts-<seq>` or `batch-<seq>` (the journal entry).
   */
  readonly id: string;
  /** Epoch ms. */
  readonly quarantinedAt: number;
  /** The journal entry it came from. */
  readonly seq: number;
  /** The batch's source: `generic/<source>`, `kubernetes-audit/<cluster>`, … */
  readonly source: string;
  readonly kind: QuarantineKind;
  readonly eventId: string | null;
  readonly path: string | null;
  readonly error: { readonly code: string; readonly message: string; readonly stack?: string };
  /** The change record, the attribution facts or the whole batch, as journaled. */
  readonly record: unknown;
  /** True once `gitrail quarantine retry` asked for it to be journaled again. */
  readonly retry?: boolean;
}

const ENTRY = /^((?:change-[0-9a-f]{16})|(?:(?:facts|batch)-\d+))(\.retry)?\.json$/;

/** The id of a quarantined change: one per record, however often it fails. */
export function changeQuarantineId(source: string, eventId: unknown, path: unknown): string {
  const key = JSON.stringify([source, eventId ?? null, path ?? null]);
  return `change-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** What an error says about itself, for the entry (no record content: that is in `record`). */
export function describeError(error: unknown): QuarantineEntry['error'] {
  if (!(error instanceof Error)) return { code: 'UNKNOWN', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    code: typeof code === 'string' ? code : error.name,
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

export class Quarantine {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = dataFolder(dataDir).quarantine;
  }

  /** Stores an entry durably (before the journal checkpoint passes its record); replaces one with the same id. */
  put(entry: QuarantineEntry): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const { retry: _retry, ...stored } = entry;
    rmSync(join(this.dir, `${entry.id}.retry.json`), { force: true });
    writeFileDurably(join(this.dir, `${entry.id}.json`), `${JSON.stringify(stored, null, 2)}\n`);
  }

  #files(): Array<{ readonly id: string; readonly retry: boolean; readonly file: string }> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .flatMap((name) => {
        const match = ENTRY.exec(name);
        return match ? [{ id: match[1] as string, retry: match[2] !== undefined, file: join(this.dir, name) }] : [];
      })
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** How many records are held (also those marked for retry). */
  count(): number {
    return this.#files().length;
  }

  /** Every entry, oldest first. */
  list(): QuarantineEntry[] {
    return this.#files()
      .map(({ file, retry }) => ({
        ...(JSON.parse(readFileSync(file, 'utf8')) as QuarantineEntry),
        ...(retry ? { retry: true } : {}),
      }))
      .sort((a, b) => a.quarantinedAt - b.quarantinedAt || (a.id < b.id ? -1 : 1));
  }

  /** Marks entries (all when `ids` is empty) to be journaled again; returns the ids marked. */
  requestRetry(ids: readonly string[]): string[] {
    const files = this.#files();
    const wanted = ids.length === 0 ? files.map((file) => file.id) : ids;
    const marked: string[] = [];
    for (const id of wanted) {
      const file = files.find((candidate) => candidate.id === id);
      if (!file) throw new NotFoundError(`no quarantined record ${id} in ${this.dir}`);
      if (!file.retry) renameSync(file.file, join(this.dir, `${id}.retry.json`));
      marked.push(id);
    }
    return marked;
  }

  /** The entries marked for retry. */
  retryRequests(): QuarantineEntry[] {
    return this.list().filter((entry) => entry.retry === true);
  }

  /** Forgets an entry (once it is journaled again). */
  remove(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true });
    rmSync(join(this.dir, `${id}.retry.json`), { force: true });
  }
}
