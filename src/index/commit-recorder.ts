// Writing commits into the index (index-db.ts): a commit's row, the paths it changes, the
// source events it stands for, its author and source interned in small dictionaries, and its
// parent named by seq. Runs inside the index's group transaction; knows no other table.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Branch } from '../domain/change.ts';
import type { ChangeOp } from '../domain/recorded-commit.ts';
import { commitEventKey } from './event-key.ts';
import { branchCode, packEventKey, packId } from './index-schema.ts';
import type { MessageBlocks } from './message-codec.ts';

export interface IndexedChange {
  readonly path: string;
  readonly op: ChangeOp;
  /** The blob after the change; null for a deletion. */
  readonly blob: string | null;
}

export interface IndexedCommit {
  readonly sha: string;
  readonly branch: Branch;
  readonly parent: string | null;
  /** Author time, epoch ms. */
  readonly time: number;
  readonly authorName: string;
  readonly authorEmail: string;
  readonly subject: string;
  readonly body: string;
  readonly trailers: Readonly<Record<string, string>>;
  readonly changes: readonly IndexedChange[];
}

export interface SeenEvent {
  readonly key: string;
  readonly outcome: string;
}

export class CommitRecorder {
  readonly #messages: MessageBlocks;
  readonly #insertCommit: StatementSync;
  readonly #insertChange: StatementSync;
  readonly #insertEvent: StatementSync;
  readonly #seqOf: StatementSync;
  readonly #pathId: StatementSync;
  readonly #insertPath: StatementSync;
  readonly #touchPath: StatementSync;
  readonly #personId: StatementSync;
  readonly #insertPerson: StatementSync;
  readonly #sourceId: StatementSync;
  readonly #insertSource: StatementSync;
  /** Seqs of the commits the current batch recorded, by id: their children name them without a lookup. */
  readonly #batchSeqs = new Map<string, number>();
  /** Small dictionaries, cached by text (paths are looked up in SQL: there may be millions). */
  readonly #people = new Map<string, number>();
  readonly #sources = new Map<string, number>();

  constructor(db: DatabaseSync, messages: MessageBlocks) {
    this.#messages = messages;
    this.#insertCommit = db.prepare(
      'INSERT OR IGNORE INTO commits(sha, branch, parent, time, author, source) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#insertChange = db.prepare('INSERT OR REPLACE INTO changes(path, seq, op, blob) VALUES (?, ?, ?, ?)');
    this.#insertEvent = db.prepare('INSERT OR IGNORE INTO events(key) VALUES (?)');
    this.#seqOf = db.prepare('SELECT seq FROM commits WHERE sha = ?');
    this.#pathId = db.prepare('SELECT id FROM paths WHERE path = ?');
    this.#insertPath = db.prepare('INSERT INTO paths(path) VALUES (?)');
    this.#touchPath = db.prepare('UPDATE paths SET last_time = max(coalesce(last_time, ?), ?) WHERE id = ?');
    this.#personId = db.prepare('SELECT id FROM people WHERE name = ? AND email = ?');
    this.#insertPerson = db.prepare('INSERT INTO people(name, email) VALUES (?, ?)');
    this.#sourceId = db.prepare('SELECT id FROM sources WHERE name = ?');
    this.#insertSource = db.prepare('INSERT INTO sources(name) VALUES (?)');
  }

  /** Records a flushed batch's commits in order; how many were new to the index. */
  recordBatch(commits: readonly IndexedCommit[]): number {
    let recorded = 0;
    try {
      for (const commit of commits) if (this.#recordCommit(commit)) recorded += 1;
    } finally {
      this.#batchSeqs.clear();
    }
    return recorded;
  }

  /** A source event seen (recorded, or found to change nothing). */
  recordEvent(key: string): void {
    this.#insertEvent.run(packEventKey(key));
  }

  #intern(
    cache: Map<string, number>,
    key: string,
    find: () => unknown,
    insert: () => { lastInsertRowid: number | bigint },
  ): number {
    let id = cache.get(key);
    if (id === undefined) {
      const row = find() as { id: number } | undefined;
      id = row ? row.id : Number(insert().lastInsertRowid);
      if (cache.size >= 10_000) cache.clear();
      cache.set(key, id);
    }
    return id;
  }

  #pathIdOf(path: string): number {
    const row = this.#pathId.get(path) as { id: number } | undefined;
    return row ? row.id : Number(this.#insertPath.run(path).lastInsertRowid);
  }

  /** A parent the index holds is named by its seq (3 bytes, not 20); see PARENT_SHA in queries.ts. */
  #parentRef(parent: string | null): bigint | Uint8Array | string | null {
    if (parent === null) return null;
    const seq = this.#batchSeqs.get(parent);
    if (seq !== undefined) return BigInt(seq);
    const id = packId(parent);
    const row = this.#seqOf.get(id) as { seq: number } | undefined;
    return row ? BigInt(row.seq) : id;
  }

  /** Records one commit: false when the index already held it. */
  #recordCommit(commit: IndexedCommit): boolean {
    const { trailers } = commit;
    const author = this.#intern(
      this.#people,
      `${commit.authorName}\u0000${commit.authorEmail}`,
      () => this.#personId.get(commit.authorName, commit.authorEmail),
      () => this.#insertPerson.run(commit.authorName, commit.authorEmail),
    );
    const sourceName = trailers['Source'] ?? '';
    const source = this.#intern(
      this.#sources,
      sourceName,
      () => this.#sourceId.get(sourceName),
      () => this.#insertSource.run(sourceName),
    );
    const result = this.#insertCommit.run(
      packId(commit.sha),
      branchCode(commit.branch),
      this.#parentRef(commit.parent),
      commit.time,
      author,
      source,
    );
    if (result.changes === 0) return false;
    const seq = Number(result.lastInsertRowid);
    this.#batchSeqs.set(commit.sha, seq);
    this.#messages.add(seq, commit);
    // A detour to activity (ledger/detour.ts) also stands for the change of the resource it names.
    const detoured = trailers['Resource-Path'];
    const detouredKey = detoured ? commitEventKey(trailers, detoured) : null;
    for (const change of commit.changes) {
      const path = this.#pathIdOf(change.path);
      this.#insertChange.run(path, seq, change.op, change.blob === null ? null : packId(change.blob));
      const key = commitEventKey(trailers, change.path);
      if (key) this.#insertEvent.run(packEventKey(key));
      if (commit.branch === 'main') this.#touchPath.run(commit.time, commit.time, path);
      if (detouredKey) this.#insertEvent.run(packEventKey(detouredKey));
    }
    return true;
  }
}
