// Times written as text, read the same way by every source: ISO 8601 (RFC 3339), and a time
// without a zone (as log shippers rewrite `2024-06-01T12:00:00Z` to `2024-06-01 12:00:00.000000000`)
// as UTC. Never as the host's local time, which is what Date.parse makes of a zone-less
// date-time: what the daemon records must not depend on the TZ of the machine it runs on.

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:([T ])(\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The time as ISO 8601 text with a zone: as written when it is RFC 3339 (`T`, seconds and a
 * zone), else rebuilt with `T`, the fraction cut to milliseconds and `Z` when it had no zone.
 * Undefined when the text is not a date or date-time of that form, or not a valid one.
 */
export function utcTimestampText(text: string): string | undefined {
  const trimmed = text.trim();
  const match = TIMESTAMP.exec(trimmed);
  if (!match) return undefined;
  const [, date, separator, hoursMinutes = '00:00', seconds, fraction, zone] = match;
  const asWritten = separator === 'T' && seconds !== undefined && zone !== undefined;
  const ms = fraction === undefined ? '' : `.${fraction.slice(0, 3).padEnd(3, '0')}`;
  const iso = asWritten ? trimmed : `${date}T${hoursMinutes}:${seconds ?? '00'}${ms}${zone ?? 'Z'}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** The time in epoch milliseconds (a zone-less time is UTC), or undefined when the text is not one. */
export function parseUtcTimestamp(text: string): number | undefined {
  const iso = utcTimestampText(text);
  return iso === undefined ? undefined : Date.parse(iso);
}
