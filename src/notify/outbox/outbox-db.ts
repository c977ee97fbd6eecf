// The outbox (`<data>/outbox.db`, node:sqlite): state, not derived data. A per-branch cursor
// says which commits have been evaluated; each (commit, policy, channel) match is a row,
// unique, so it is recorded once however often a commit is evaluated; each message is a
// delivery with its idempotency key, state, attempts and schedule.
import { randomUUID } from 'node:crypto';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Branch } from '../../domain/change.ts';
import { inTransaction } from '../../index/transaction.ts';
import type { Severity } from '../../policy/schema.ts';
import type { MessageKind, NotificationItem } from '../notification.ts';
import {
  type Delivery,
  type DeliveryFilter,
  type DeliveryRecord,
  type DeliveryRow,
  type DeliveryState,
  type Disposition,
  type NewMatch,
  toDelivery,
  toRow,
} from './delivery.ts';
import { ROW_COLUMNS, SCHEMA, STATEMENTS } from './outbox-sql.ts';

export class OutboxDb {
  readonly db: DatabaseSync;
  readonly #q: Readonly<Record<keyof typeof STATEMENTS, StatementSync>>;

  constructor(path: string, options: { readOnly?: boolean } = {}) {
    this.db = new DatabaseSync(path, { readOnly: options.readOnly ?? false, timeout: 5000 });
    if (!options.readOnly) {
      this.db.exec(SCHEMA);
      this.db.prepare(`INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '1')`).run();
    }
    this.#q = Object.fromEntries(
      Object.entries(STATEMENTS).map(([name, sql]) => [name, this.db.prepare(sql)]),
    ) as Record<keyof typeof STATEMENTS, StatementSync>;
  }

  transaction<T>(work: () => T): T {
    return inTransaction(this.db, work);
  }

  cursor(branch: string): string | null {
    const row = this.#q.cursor.get(branch) as { sha: string } | undefined;
    return row?.sha ?? null;
  }

  setCursor(branch: string, sha: string): void {
    this.#q.setCursor.run(branch, sha);
  }

  hasMatch(commitSha: string, policy: string, channel: string): boolean {
    return this.#q.hasMatch.get(commitSha, policy, channel) !== undefined;
  }

  /** Records a match; false when this (commit, policy, channel) was already recorded. */
  insertMatch(match: NewMatch): boolean {
    const result = this.#q.insertMatch.run(
      match.commitSha,
      match.policy,
      match.channel,
      match.severity,
      match.actor,
      match.path,
      JSON.stringify(match.item),
      match.disposition,
      match.reason,
      match.deliveryId,
      match.createdAt,
    );
    return result.changes > 0;
  }

  createDelivery(fields: {
    policy: string;
    channel: string;
    kind: MessageKind;
    groupKey: string | null;
    severity: Severity;
    state: 'collecting' | 'pending';
    dueAt: number;
    now: number;
  }): number {
    const result = this.#q.createDelivery.run(
      randomUUID(),
      fields.policy,
      fields.channel,
      fields.kind,
      fields.groupKey,
      fields.severity,
      fields.state,
      fields.dueAt,
      fields.now,
      fields.now,
    );
    return Number(result.lastInsertRowid);
  }

  /** A delivery's severity, null when there is no such delivery. */
  severity(id: number): Severity | null {
    return (this.#q.severity.get(id) as { severity: Severity } | undefined)?.severity ?? null;
  }

  setSeverity(id: number, severity: Severity): void {
    this.#q.setSeverity.run(severity, id);
  }

  /** A delivery with its match count (`gitrail notifications retry`). */
  get(id: number): DeliveryRow | null {
    const row = this.#q.get.get(id) as (DeliveryRecord & { matches: number }) | undefined;
    return row ? toRow(row) : null;
  }

  /** The id of a collecting group or summary of a policy on a channel that is still open at `now`. */
  openDelivery(
    policy: string,
    channel: string,
    kind: 'group' | 'summary',
    groupKey: string | null,
    now: number,
  ): number | null {
    return (this.#q.openDelivery.get(policy, channel, kind, groupKey, now) as { id: number } | undefined)?.id ?? null;
  }

  /** Messages (not summaries) of a policy on a channel created after `since`, and the oldest one's time. */
  messagesSince(policy: string, channel: string, since: number): { count: number; oldest: number | null } {
    const row = this.#q.messagesSince.get(policy, channel, since) as { n: number; oldest: number | null };
    return { count: row.n, oldest: row.oldest };
  }

  /** Whether a resource was announced (not suppressed) by a policy on a channel after `since`. */
  announcedSince(policy: string, channel: string, path: string, since: number): boolean {
    return this.#q.announcedSince.get(policy, channel, path, since) !== undefined;
  }

  /** Collecting groups and summaries whose window has closed become pending. */
  promoteDue(now: number): number {
    return Number(this.#q.promoteDue.run(now, now).changes);
  }

  /** The oldest pending delivery of a channel that may be attempted at `now`. */
  nextDue(channel: string, now: number): Delivery | null {
    const row = this.#q.nextDue.get(channel, now) as DeliveryRecord | undefined;
    return row ? toDelivery(row) : null;
  }

  /** Channels with pending or collecting deliveries. */
  activeChannels(): string[] {
    return (this.#q.activeChannels.all() as Array<{ channel: string }>).map((row) => row.channel);
  }

  /** When the next collecting window closes or pending retry falls due. */
  nextDueAt(): number | null {
    return (this.#q.nextDueAt.get() as { at: number | null }).at;
  }

  /**
   * Marks the attempt as started (durably, before anything is sent); the attempt number, or null when it is not
   * pending.
   */
  claim(id: number, now: number): number | null {
    const row = this.#q.claim.get(now, id) as { attempts: number } | undefined;
    return row ? row.attempts : null;
  }

  markSent(id: number, now: number): void {
    this.#q.markSent.run(now, now, id);
  }

  /** Back to pending until `dueAt`; `refund` gives the attempt back (throttled, or stopped by shutdown). */
  markRetry(
    id: number,
    dueAt: number,
    error: string,
    now: number,
    options: { interrupted?: boolean; refund?: boolean } = {},
  ): void {
    this.#q.markRetry.run(dueAt, error, now, options.interrupted ? 1 : 0, options.refund ? 1 : 0, id);
  }

  markDead(id: number, error: string, now: number): void {
    this.#q.markDead.run(error, now, id);
  }

  /** Attempts that a crash interrupted: pending again, flagged as possibly delivered. */
  recoverInterrupted(now: number): number {
    return Number(
      this.db
        .prepare(
          `UPDATE deliveries SET state = 'pending', resumed = 1, due_at = ?, updated_at = ? WHERE state = 'sending'`,
        )
        .run(now, now).changes,
    );
  }

  /** Dead letters (or one of them) back to pending, for `gitrail notifications retry`. */
  requeue(now: number, id?: number): number {
    const sql =
      `UPDATE deliveries SET state = 'pending', attempts = 0, due_at = ?, updated_at = ? WHERE state = ` +
      `'dead'${id === undefined ? '' : ' AND id = ?'}`;
    return Number(
      (id === undefined ? this.db.prepare(sql).run(now, now) : this.db.prepare(sql).run(now, now, id)).changes,
    );
  }

  /** A delivery by its number or its idempotency key (the `id` a message carries). */
  find(idOrKey: string): DeliveryRow | null {
    if (/^\d+$/.test(idOrKey)) return this.get(Number(idOrKey));
    const row = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM deliveries d WHERE key = ?`).get(idOrKey) as
      | (DeliveryRecord & { matches: number })
      | undefined;
    return row ? toRow(row) : null;
  }

  /** The items of a delivery (at most `limit`), how many it carries, and its actors by count. */
  contents(
    id: number,
    limit: number,
  ): { items: NotificationItem[]; total: number; actors: Array<{ name: string; count: number }> } {
    const items = (this.#q.items.all(id, limit) as Array<{ item: string }>).map(
      (row) => JSON.parse(row.item) as NotificationItem,
    );
    const actors = (this.#q.actors.all(id) as Array<{ name: string; count: number }>).map((row) => ({
      name: row.name,
      count: row.count,
    }));
    return { items, total: actors.reduce((sum, actor) => sum + actor.count, 0), actors };
  }

  list(filter: DeliveryFilter = {}): DeliveryRow[] {
    const where: string[] = [];
    const params: string[] = [];
    for (const [column, value] of [
      ['state', filter.state],
      ['channel', filter.channel],
      ['policy', filter.policy],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    const sql =
      `SELECT ${ROW_COLUMNS} FROM deliveries d ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY id DESC LIMIT ?`;
    return (
      this.db.prepare(sql).all(...params, filter.limit ?? 100) as unknown as Array<DeliveryRecord & { matches: number }>
    ).map(toRow);
  }

  /** Matches recorded but not sent (silenced, repeats), newest first. */
  suppressed(limit = 100): Array<{
    commitSha: string;
    policy: string;
    channel: string;
    disposition: Disposition;
    reason: string | null;
    createdAt: number;
  }> {
    const rows = this.db
      .prepare(
        `SELECT commit_sha, policy, channel, disposition, reason, created_at FROM matches WHERE disposition != ` +
          `'message' ORDER BY id DESC LIMIT ?`,
      )
      .all(limit) as Array<{
      commit_sha: string;
      policy: string;
      channel: string;
      disposition: Disposition;
      reason: string | null;
      created_at: number;
    }>;
    return rows.map((row) => ({
      commitSha: row.commit_sha,
      policy: row.policy,
      channel: row.channel,
      disposition: row.disposition,
      reason: row.reason,
      createdAt: row.created_at,
    }));
  }

  /** Deliveries per channel and state (a scan of every delivery: for metrics scrapes). */
  counts(): Array<{ channel: string; state: DeliveryState; count: number }> {
    return (this.#q.counts.all() as Array<{ channel: string; state: DeliveryState; count: number }>).map((row) => ({
      ...row,
    }));
  }

  /** Dead letters per channel (through the state index: for status, on every /readyz and viewer page). */
  deadCounts(): Map<string, number> {
    return new Map(
      (this.#q.deadCounts.all() as Array<{ channel: string; count: number }>).map((row) => [row.channel, row.count]),
    );
  }

  close(): void {
    this.db.close();
  }
}
