// A delivery and a match as the outbox stores them (snake_case rows) and as its readers see them
// (sender, CLI, viewer): the vocabulary of `outbox.db`, without the database.
import type { Severity } from '../../policy/schema.ts';
import type { MessageKind, NotificationItem } from '../notification.ts';

export type DeliveryState = 'collecting' | 'pending' | 'sending' | 'sent' | 'dead';
export const DELIVERY_STATES: readonly DeliveryState[] = ['collecting', 'pending', 'sending', 'sent', 'dead'];
export type Disposition = 'message' | 'silenced' | 'repeat';

/** A delivery as the sender reads it. */
export interface Delivery {
  readonly id: number;
  readonly key: string;
  readonly policy: string;
  readonly channel: string;
  readonly kind: MessageKind;
  readonly groupKey: string | null;
  readonly severity: Severity;
  readonly state: DeliveryState;
  /** Collecting: when it closes. Pending: the earliest next attempt. */
  readonly dueAt: number;
  readonly attempts: number;
  readonly resumed: boolean;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly sentAt: number | null;
}

/** A delivery as listed (CLI, viewer), with how many matches it carries. */
export interface DeliveryRow extends Delivery {
  readonly matches: number;
}

export interface NewMatch {
  readonly commitSha: string;
  readonly policy: string;
  readonly channel: string;
  readonly severity: Severity;
  readonly actor: string;
  readonly path: string;
  readonly item: NotificationItem;
  readonly disposition: Disposition;
  readonly reason: string | null;
  readonly deliveryId: number | null;
  readonly createdAt: number;
}

export interface DeliveryRecord {
  id: number;
  key: string;
  policy: string;
  channel: string;
  kind: MessageKind;
  group_key: string | null;
  severity: Severity;
  state: DeliveryState;
  due_at: number;
  attempts: number;
  resumed: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export function toDelivery(row: DeliveryRecord): Delivery {
  return {
    id: row.id,
    key: row.key,
    policy: row.policy,
    channel: row.channel,
    kind: row.kind,
    groupKey: row.group_key,
    severity: row.severity,
    state: row.state,
    dueAt: row.due_at,
    attempts: row.attempts,
    resumed: row.resumed === 1,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
  };
}

export const toRow = (row: DeliveryRecord & { matches: number }): DeliveryRow => ({
  ...toDelivery(row),
  matches: row.matches,
});

export interface DeliveryFilter {
  readonly state?: DeliveryState;
  readonly channel?: string;
  readonly policy?: string;
  readonly limit?: number;
}
