// The idempotency keys of the index's events table (index-db.ts re-exports them).
import { createHash } from 'node:crypto';

/**
 * The idempotency key of one change: the same event changing the same path, as 128 bits of its
 * SHA-256 (the events table holds one per commit; short keys keep its B-tree small).
 */
export function eventKey(source: string, eventId: string, path: string): string {
  return createHash('sha256').update(`${source}\u0000${eventId}\u0000${path}`).digest('base64url').slice(0, 22);
}

/**
 * The idempotency key of a change to `path` made by a commit with these trailers: its event is
 * named by `Source:` and `Event-ID:` (null without one). The index keys the commits it records
 * (also when rebuilt from the repository) and the writer keys the records it applies through
 * this one function, so a replay is a duplicate whichever side saw the event first.
 */
export function commitEventKey(trailers: Readonly<Record<string, string>>, path: string): string | null {
  const eventId = trailers['Event-ID'];
  return eventId ? eventKey(trailers['Source'] ?? '', eventId, path) : null;
}
