// Blames kept on disk between processes (issue 12: a CLI run or a restarted viewer would
// otherwise replay a busy file's whole history again). A blame at a commit never changes, so an
// entry is keyed by path and the commit of the file's version, never invalidated: a new commit
// is a new version, replayed from the newest one kept. Besides the last version asked for, every
// CHECKPOINT-th version of a file is kept, so a blame at any earlier time replays at most that
// many commits. Derived and disposable: a file that cannot be opened or written is a store that
// keeps nothing; it never fails a blame.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { packId, unpackId } from './index-schema.ts';

/** Every CHECKPOINT-th version of a file (counted in its index history) is kept. */
export const CHECKPOINT = 32;

/** One blamed line as stored: its text and the commit that last changed it. */
export interface StoredLine {
  readonly text: string;
  readonly sha: string;
}

const SCHEMA = `
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
CREATE TABLE IF NOT EXISTS blames (
  path TEXT NOT NULL,
  sha BLOB NOT NULL,
  checkpoint INTEGER NOT NULL,
  lines TEXT NOT NULL,
  PRIMARY KEY (path, sha)
) WITHOUT ROWID;`;

/** `lines` as stored: the distinct commits, then per line the index of its commit and its text. */
interface Encoded {
  readonly shas: string[];
  readonly lines: Array<[number, string]>;
}

export class BlameStore {
  #db: DatabaseSync | null = null;
  readonly #shas: StatementSync | null = null;
  readonly #get: StatementSync | null = null;
  readonly #put: StatementSync | null = null;
  readonly #prune: StatementSync | null = null;

  /** `path` ':memory:' keeps entries for this process only (tests, benches). */
  constructor(path: string) {
    try {
      // A viewer and a CLI run may write at once: a short wait, then the entry is simply not kept.
      this.#db = new DatabaseSync(path, { timeout: 200 });
      this.#db.exec(SCHEMA);
      this.#shas = this.#db.prepare('SELECT sha FROM blames WHERE path = ?');
      this.#get = this.#db.prepare('SELECT lines FROM blames WHERE path = ? AND sha = ?');
      this.#put = this.#db.prepare('INSERT OR REPLACE INTO blames(path, sha, checkpoint, lines) VALUES (?, ?, ?, ?)');
      this.#prune = this.#db.prepare('DELETE FROM blames WHERE path = ? AND checkpoint = 0 AND sha != ?');
    } catch {
      // Read-only data folder, another user's file, a damaged file: blame without a store.
      this.#db?.close();
      this.#db = null;
    }
  }

  /** The commits of the versions of `path` kept. */
  versions(path: string): Set<string> {
    const rows = this.#run(() => this.#shas?.all(path) as Array<{ sha: Uint8Array }> | undefined);
    return new Set((rows ?? []).map((row) => unpackId(row.sha)));
  }

  /** The blame of `path` as commit `sha` left it, or undefined when it is not kept. */
  get(path: string, sha: string): StoredLine[] | undefined {
    const row = this.#run(() => this.#get?.get(path, packId(sha)) as { lines: string } | undefined);
    if (!row) return undefined;
    const encoded = JSON.parse(row.lines) as Encoded;
    return encoded.lines.map(([origin, text]) => ({ text, sha: encoded.shas[origin] as string }));
  }

  /**
   * Keeps a blame. A checkpoint stays; any other version replaces the path's previous other
   * version (the last one asked for is what the next request most likely builds on).
   */
  put(path: string, sha: string, lines: readonly StoredLine[], checkpoint: boolean): void {
    const origins = new Map<string, number>();
    const encoded: Encoded = { shas: [], lines: [] };
    for (const line of lines) {
      let origin = origins.get(line.sha);
      if (origin === undefined) {
        origin = encoded.shas.push(line.sha) - 1;
        origins.set(line.sha, origin);
      }
      encoded.lines.push([origin, line.text]);
    }
    this.#run(() => {
      this.#put?.run(path, packId(sha), checkpoint ? 1 : 0, JSON.stringify(encoded));
      if (!checkpoint) this.#prune?.run(path, packId(sha));
    });
  }

  close(): void {
    this.#db?.close();
    this.#db = null;
  }

  /** Runs a statement; a busy or failing store answers nothing rather than failing the blame. */
  #run<T>(body: () => T): T | undefined {
    if (!this.#db?.isOpen) return undefined;
    try {
      return body();
    } catch {
      return undefined;
    }
  }
}
