// The index rows `gitrail verify --data` compares with the repository: each commit's id and the
// event it records, the heads the index has caught up to, and whether an event key is known.
// Read-only; the writer may be running.
import { DatabaseSync } from 'node:sqlite';
import { packEventKey, unpackId } from './index-schema.ts';
import { MessageBlocks } from './message-codec.ts';

export interface IndexedEvent {
  readonly sha: string;
  readonly source: string;
  readonly eventId: string | null;
}

export class IndexAudit {
  readonly #db: DatabaseSync;
  readonly #messages: MessageBlocks;

  constructor(path: string) {
    this.#db = new DatabaseSync(path, { readOnly: true, timeout: 5000 });
    this.#messages = new MessageBlocks(this.#db);
  }

  *commits(): Iterable<IndexedEvent> {
    const rows = this.#db
      .prepare('SELECT c.seq, c.sha, s.name AS source FROM commits c JOIN sources s ON s.id = c.source')
      .iterate() as Iterable<{ seq: number; sha: Uint8Array; source: string }>;
    for (const row of rows) {
      const eventId = this.#messages.decode(row.seq).trailers['Event-ID'];
      yield { sha: unpackId(row.sha), source: row.source, eventId: eventId ?? null };
    }
  }

  heads(): Map<string, string> {
    const rows = this.#db.prepare('SELECT branch, sha FROM heads').all() as Array<{ branch: string; sha: string }>;
    return new Map(rows.map((row) => [row.branch, row.sha]));
  }

  hasEvent(key: string): boolean {
    return this.#db.prepare('SELECT 1 AS found FROM events WHERE key = ?').get(packEventKey(key)) !== undefined;
  }

  close(): void {
    this.#db.close();
  }
}
