// One file's changes as blame replays them and the investigator reads them: its history oldest
// first (or only its newest part), the changes some commits made to it, the blob before a change.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Branch } from '../domain/change.ts';
import type { ChangeOp } from '../domain/recorded-commit.ts';
import { branchCode, PATH_ID, packId, unpackId, unpackNullableId } from './index-schema.ts';
import type { MessageBlocks } from './message-codec.ts';

/** One change of one file, as blame replays it. */
export interface FileChange {
  readonly sha: string;
  readonly time: number;
  readonly author: { readonly name: string; readonly email: string };
  readonly subject: string;
  readonly op: ChangeOp;
  /** The file's blob after the change; null when it deleted the file. */
  readonly blob: string | null;
}

/** Up to a commit (inclusive), up to an instant, or the whole history. */
export type ChangeBound = { readonly sha: string } | { readonly time: number } | null;

interface Row {
  sha: Uint8Array;
  time: number;
  author_name: string;
  author_email: string;
  seq: number;
  op: ChangeOp;
  blob: Uint8Array | null;
}

const SELECT =
  'SELECT c.sha, c.time, a.name AS author_name, a.email AS author_email, c.seq, p.op, p.blob ' +
  'FROM changes p CROSS JOIN commits c ON c.seq = p.seq JOIN people a ON a.id = c.author ' +
  `WHERE p.path = ${PATH_ID} AND c.branch = ?`;

export class FileChanges {
  readonly #db: DatabaseSync;
  readonly #messages: MessageBlocks;
  #blobBefore: StatementSync | null = null;

  constructor(db: DatabaseSync, messages: MessageBlocks) {
    this.#db = db;
    this.#messages = messages;
  }

  /** Oldest first; with `last`, only the newest `last` changes. On a branch a file only moves forward. */
  list(path: string, upTo: ChangeBound, branch: Branch, last?: number): FileChange[] {
    const bound =
      upTo === null ? '' : 'sha' in upTo ? 'AND c.seq <= (SELECT seq FROM commits WHERE sha = ?)' : 'AND c.time <= ?';
    const params: SQLInputValue[] = upTo === null ? [] : ['sha' in upTo ? packId(upTo.sha) : upTo.time];
    const order = last === undefined ? 'ORDER BY p.seq' : 'ORDER BY p.seq DESC LIMIT ?';
    if (last !== undefined) params.push(last);
    const rows = this.#db
      .prepare(`${SELECT} ${bound} ${order}`)
      .all(path, branchCode(branch), ...params) as unknown as Row[];
    if (last !== undefined) rows.reverse();
    return rows.map((row) => this.#change(row));
  }

  /** The changes of `path` that the commits `shas` made, in no order. */
  of(path: string, shas: readonly string[], branch: Branch): FileChange[] {
    if (shas.length === 0) return [];
    const rows = this.#db
      .prepare(`${SELECT} AND c.sha IN (${shas.map(() => '?').join(',')})`)
      .all(path, branchCode(branch), ...shas.map(packId)) as unknown as Row[];
    return rows.map((row) => this.#change(row));
  }

  /** How many changes of `path` came before commit `sha`'s. */
  countBefore(path: string, sha: string, branch: Branch): number {
    const row = this.#db
      .prepare(
        `SELECT count(*) AS n FROM changes p CROSS JOIN commits c ON c.seq = p.seq WHERE p.path = ${PATH_ID} ` +
          'AND c.branch = ? AND p.seq < (SELECT seq FROM commits WHERE sha = ?)',
      )
      .get(path, branchCode(branch), packId(sha)) as { n: number };
    return row.n;
  }

  /** The blob before commit `sha` changed `path`: null after a deletion, undefined when no change came before. */
  blobBefore(path: string, sha: string): string | null | undefined {
    // On the commit's own branch: a path's late changes may be recorded on activity too.
    this.#blobBefore ??= this.#db.prepare(
      'SELECT p.op, p.blob FROM changes p CROSS JOIN commits c ON c.seq = p.seq WHERE p.path = (SELECT id FROM ' +
        'paths WHERE path = ?1) AND p.seq < (SELECT seq FROM commits WHERE sha = ?2) AND c.branch = (SELECT branch ' +
        'FROM commits WHERE sha = ?2) ORDER BY p.seq DESC LIMIT 1',
    );
    const row = this.#blobBefore.get(path, packId(sha)) as { op: ChangeOp; blob: Uint8Array | null } | undefined;
    return row ? (row.op === 'D' ? null : unpackNullableId(row.blob)) : undefined;
  }

  #change(row: Row): FileChange {
    const messages = this.#messages;
    let subject: string | undefined;
    return {
      sha: unpackId(row.sha),
      time: row.time,
      author: { name: row.author_name, email: row.author_email },
      // Blame shows the subject of the commits its lines still come from: read only those.
      get subject(): string {
        subject ??= messages.subject(row.seq);
        return subject;
      },
      op: row.op,
      blob: row.op === 'D' ? null : unpackNullableId(row.blob),
    };
  }
}
