// The derived index (DESIGN §1): commits, the paths they change and the source events already
// seen, in SQLite (node:sqlite). The ledger writes it after each flush; readers use it for
// history, blame and filtered lists. It can always be rebuilt from the repository.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AttributionFact } from '../domain/change.ts';
import { CommitRecorder, type IndexedCommit, type SeenEvent } from './commit-recorder.ts';
import { GroupCommit } from './group-commit.ts';
import { PAGE_SIZE, packEventKey, SCHEMA, SCHEMA_VERSION, TABLES } from './index-schema.ts';
import { MessageBlocks } from './message-codec.ts';
import { type FactQuery, FactStore } from './fact-store.ts';

export type { ChangeOp } from '../domain/recorded-commit.ts';

export type { IndexedChange, IndexedCommit, SeenEvent } from './commit-recorder.ts';

export { FACT_RETENTION_MS } from './fact-store.ts';

export { commitEventKey, eventKey } from './event-key.ts';

/** Commits a connection records before its close compacts the database (see close). */
const COMPACT_AFTER = 10_000;

/**
 * The writer's page cache, KiB (SQLite's default is 2 MB): a group's dirty pages of the random
 * B-trees (event keys, object ids, paths) fit in it, so none is spilled to the WAL and written
 * again. It is a bound, not an allocation: a small index uses as much as it has. 8 MB: 16 MB
 * saved a little more CPU but added ~24 MB to the peak RSS of a 100k-resource backfill (issue 12).
 */
const WRITER_CACHE_KIB = 8 * 1024;

export class IndexDb {
  readonly db: DatabaseSync;
  /** Commit messages, deflated in blocks; see message-codec.ts. */
  readonly messages: MessageBlocks;
  readonly #hasEvent: StatementSync;
  readonly #lastTime: StatementSync;
  readonly #setHead: StatementSync;
  readonly #recorder: CommitRecorder;
  readonly #facts: FactStore;
  readonly #group: GroupCommit;
  /** Commits this connection recorded: a backfill's are compacted when it closes. */
  #recorded = 0;

  constructor(path: string, options: { readOnly?: boolean } = {}) {
    this.db = new DatabaseSync(path, { readOnly: options.readOnly ?? false, timeout: 5000 });
    if (!options.readOnly) {
      // The index is derived: one of another layout is dropped and rebuilt from the repository.
      const version = this.#schemaVersion();
      if (version !== SCHEMA_VERSION) {
        for (const table of TABLES) this.db.exec(`DROP TABLE IF EXISTS ${table}`);
        if (version !== null) this.#compactEmpty();
      }
      this.db.exec(SCHEMA);
      this.db.prepare(`INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)`).run(SCHEMA_VERSION);
      this.db.exec(`PRAGMA cache_size = -${WRITER_CACHE_KIB}`);
    } else {
      const version = this.#schemaVersion();
      if (version !== SCHEMA_VERSION) {
        this.db.close();
        throw new Error(
          `${path}: the index has another layout (schema ${version ?? 'unknown'}); gitrail rebuilds it from the ` +
            'repository when it next starts',
        );
      }
    }
    this.messages = new MessageBlocks(this.db);
    this.#hasEvent = this.db.prepare('SELECT 1 AS found FROM events WHERE key = ?');
    this.#lastTime = this.db.prepare('SELECT last_time FROM paths WHERE path = ?');
    this.#setHead = this.db.prepare('INSERT OR REPLACE INTO heads(branch, sha) VALUES (?, ?)');
    this.#facts = new FactStore(this.db);
    this.#group = new GroupCommit(this.db);
    this.#recorder = new CommitRecorder(this.db, this.messages);
  }

  /**
   * Gives the dropped layout's pages back and sets the page size (WAL keeps the one it has). With
   * another connection open it cannot: the file then stays as it is, correct, only larger.
   */
  #compactEmpty(): void {
    try {
      this.db.exec(`PRAGMA journal_mode = DELETE; PRAGMA page_size = ${PAGE_SIZE}; VACUUM`);
    } catch {
      // Kept as it is.
    }
  }

  #schemaVersion(): string | null {
    const table = this.db.prepare(`SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get();
    if (!table) return null;
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as { value: string } | undefined;
    return row?.value ?? null;
  }

  hasEvent(key: string): boolean {
    this.#group.read();
    return this.#hasEvent.get(packEventKey(key)) !== undefined;
  }

  /** The author time of the last recorded change of `path` on main (also after its deletion). */
  lastTime(path: string): number | null {
    this.#group.read();
    const row = this.#lastTime.get(path) as { last_time: number | null } | undefined;
    return row ? row.last_time : null;
  }

  getMeta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  setMeta(key: string, value: string): void {
    this.#group.settle();
    this.db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(key, value);
  }

  /** How many commits the index holds (both branches). */
  commitCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM commits').get() as { n: number }).n;
  }

  /** By branch name: `main`, `activity`, and `activity-<rule>` for each retention rule's line. */
  heads(): Map<string, string> {
    const rows = this.db.prepare('SELECT branch, sha FROM heads').all() as Array<{ branch: string; sha: string }>;
    return new Map(rows.map((row) => [row.branch, row.sha]));
  }

  /**
   * Records a flushed batch atomically: commits, their changes, seen events and the new heads.
   * A large batch may be committed with the next ones (group-commit.ts): this connection (and
   * its `db`) sees it at once, others within a second; `sync` commits it now.
   */
  record(commits: readonly IndexedCommit[], seen: readonly SeenEvent[], heads: ReadonlyMap<string, string>): void {
    try {
      this.#group.run(commits.length, () => {
        this.#recorded += this.#recorder.recordBatch(commits);
        this.messages.flush();
        for (const event of seen) this.#recorder.recordEvent(event.key);
        for (const [branch, sha] of heads) this.#setHead.run(branch, sha);
      });
    } catch (error) {
      this.messages.discard();
      throw error;
    }
  }

  /** Stores who touched which object (see FactStore.record). */
  recordFacts(facts: readonly AttributionFact[]): void {
    this.#facts.record(facts);
  }

  /** The fact that explains a change seen by a watch or scrape (see FactStore.find). */
  findFact(query: FactQuery): (AttributionFact & { match: 'uid' | 'window' }) | null {
    return this.#facts.find(query);
  }

  /** Commits the batches recorded so far (close does too). */
  sync(): void {
    this.#group.settle();
  }

  /**
   * Closes the database; after a backfill (this connection recorded most of its commits) it is
   * rewritten first, so the file keeps no half-empty pages of indexes filled in random order.
   */
  close(): void {
    try {
      this.sync();
    } catch (error) {
      this.db.close();
      throw error;
    }
    if (this.#recorded >= COMPACT_AFTER && this.#recorded * 2 >= this.commitCount()) {
      try {
        this.db.exec('VACUUM');
      } catch {
        // A reader holds the database: it stays as it is, correct, only larger.
      }
    }
    this.db.close();
  }
}
