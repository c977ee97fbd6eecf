// Times written as text, read the same way by every source: ISO 8601 (RFC 3339), and a time
// without a zone (as log shippers rewrite `2024-06-01T12:00:00Z` to `2024-06-01 12:00:00.000000000`)
// as UTC. Never as the host's local time, which is what Date.parse makes of a zone-less
// date-time: what the daemon records must not depend on the TZ of the machine it runs on.
// Every field is checked against the calendar: Date.parse would roll `2024-02-30` over to
// March 1st and take `24:00`, which no event time ever is.

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:([T ])(\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Whether the date, time of day and zone offset name a real instant (no Feb 30, no 24:00, no +25:00). */
function isOnCalendar(
  date: string,
  hoursMinutes: string,
  seconds: string | undefined,
  zone: string | undefined,
): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = hoursMinutes.split(':').map(Number) as [number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offset = zone === undefined || zone === 'Z' ? null : zone.replace(':', '');
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hours <= 23 &&
    minutes <= 59 &&
    Number(seconds ?? 0) <= 59 &&
    (offset === null || (Number(offset.slice(1, 3)) <= 23 && Number(offset.slice(3, 5)) <= 59))
  );
}

/**
 * The time as ISO 8601 text with a zone: as written when it is RFC 3339 (`T`, seconds and a
 * zone), else rebuilt with `T`, the fraction cut to milliseconds and `Z` when it had no zone.
 * Undefined when the text is not a date or date-time of that form, or not a valid one.
 */
export function utcTimestampText(text: string): string | undefined {
  const trimmed = text.trim();
  const match = TIMESTAMP.exec(trimmed);
  if (!match) return undefined;
  const [, date = '', separator, hoursMinutes = '00:00', seconds, fraction, zone] = match;
  if (!isOnCalendar(date, hoursMinutes, seconds, zone)) return undefined;
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
