// What the repository already holds, read from the index (the ledger's derived SQLite
// database): the current blob of a file and the live files under a folder. A watched object
// whose rendering equals the recorded blob is not submitted again, whoever recorded it.
import type { StatementSync } from 'node:sqlite';
import type { ChangeOp, IndexDb } from '../../index/index-db.ts';
import { unpackNullableId } from '../../index/index-schema.ts';

/** The last recorded change of a file. */
export interface RecordedChange {
  readonly op: ChangeOp;
  readonly blob: string | null;
  readonly seq: number;
}

/** The blob a file whose last change is `change` has now; null when it does not exist (never written, or deleted). */
export function liveBlob(change: RecordedChange | null): string | null {
  return change && change.op !== 'D' ? change.blob : null;
}

export class RecordedState {
  readonly #index: IndexDb;
  readonly #latest: StatementSync;
  readonly #under: StatementSync;
  readonly #lastSeq: StatementSync;

  constructor(index: IndexDb) {
    this.#index = index;
    // The changes table holds every version of a path; the highest seq is the current one.
    // Paths are ids into the paths table, object ids 20-byte BLOBs (index/index-schema.ts).
    const pathId = '(SELECT id FROM paths WHERE path = ?)';
    this.#latest = index.db.prepare(
      `SELECT op, blob, seq FROM changes WHERE path = ${pathId} ORDER BY seq DESC LIMIT 1`,
    );
    this.#under = index.db.prepare(
      'SELECT f.path, p.op, max(p.seq) AS seq FROM paths f JOIN changes p ON p.path = f.id WHERE f.path >= ? AND ' +
        'f.path < ? AND f.path GLOB ? GROUP BY f.path',
    );
    this.#lastSeq = index.db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM commits');
  }

  /** How far the repository has been recorded: the sequence number of the newest commit in the index. */
  lastSeq(): number {
    return (this.#lastSeq.get() as { seq: number }).seq;
  }

  /** The file's last recorded change (also a deletion), null when it was never recorded. */
  latest(path: string): RecordedChange | null {
    const row = this.#latest.get(path) as { op: ChangeOp; blob: unknown; seq: number } | undefined;
    return row ? { op: row.op, blob: unpackNullableId(row.blob), seq: row.seq } : null;
  }

  /** The blob the file has now, or null when it does not exist (never written, or deleted). */
  currentBlob(path: string): string | null {
    return liveBlob(this.latest(path));
  }

  /**
   * When the file's last recorded change is a deletion: the deleted object's uid (its `UID:` trailer), if known. Null
   * otherwise.
   */
  lastDeletion(path: string): { readonly uid: string | null } | null {
    const row = this.latest(path);
    if (row?.op !== 'D') return null;
    const uid = this.#index.messages.decode(row.seq).trailers['UID'];
    return { uid: uid ?? null };
  }

  /** The author time of the last recorded change of the file. */
  lastTime(path: string): number | null {
    return this.#index.lastTime(path);
  }

  /**
   * Every existing file whose path starts with `prefix` (and matches the SQLite GLOB `glob`,
   * when given), with the sequence number of its last change.
   */
  liveFilesUnder(prefix: string, glob = '*'): Array<{ path: string; seq: number }> {
    const rows = this.#under.all(prefix, `${prefix}\uffff`, glob) as Array<{ path: string; op: string; seq: number }>;
    return rows.filter((row) => row.op !== 'D').map(({ path, seq }) => ({ path, seq }));
  }
}
