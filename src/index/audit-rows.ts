// The index rows `gitrail verify --data` compares with the repository: each commit's id and the
// event it records, the heads the index has caught up to, and whether an event key is known.
// Read-only; the writer may be running.
import { DatabaseSync } from 'node:sqlite';

export interface IndexedEvent {
  readonly sha: string;
  readonly source: string;
  readonly eventId: string | null;
}

export class IndexAudit {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    this.#db = new DatabaseSync(path, { readOnly: true, timeout: 5000 });
  }

  *commits(): Iterable<IndexedEvent> {
    const rows = this.#db.prepare('SELECT sha, source, event_id FROM commits').iterate() as Iterable<{
      sha: string;
      source: string;
      event_id: string | null;
    }>;
    for (const row of rows) yield { sha: row.sha, source: row.source, eventId: row.event_id };
  }

  heads(): Map<string, string> {
    const rows = this.#db.prepare('SELECT branch, sha FROM heads').all() as Array<{ branch: string; sha: string }>;
    return new Map(rows.map((row) => [row.branch, row.sha]));
  }

  hasEvent(key: string): boolean {
    return this.#db.prepare('SELECT 1 AS found FROM events WHERE key = ?').get(key) !== undefined;
  }

  close(): void {
    this.#db.close();
  }
}
