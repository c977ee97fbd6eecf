// Times on the command line: ISO-8601 instants, durations ago (`2h`, `1d12h`, `30m ago`),
// `now`/`today`/`yesterday` (optionally with a time of day) and a bare time of day (`02:00`,
// the last such instant). Calendar words and zone-less times are UTC. Pure: `now` is injected.
import { parseDuration } from '../domain/duration.ts';
import { InvalidInputError } from '../domain/errors.ts';

const DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

const FORMS =
  'an ISO-8601 time (2026-03-02T01:00:00Z), a duration ago (2h, 1d, 30m ago), now, today, yesterday [HH:MM], ' +
  'HH:MM or @<epoch seconds>';

/** A duration such as `30m`, `2h`, `1h30m`, `1.5d`, in milliseconds; null when it is not one. */
export const parseDurationMs = parseDuration;

/** Like parseDurationMs, but a bad or zero duration is an error naming the option. */
export function requireDuration(text: string, what: string): number {
  const ms = parseDurationMs(text);
  if (ms === null || ms <= 0)
    throw new InvalidInputError(`bad ${what} '${text}': expected a duration such as 30m, 2h or 1d`);
  return ms;
}

function startOfUtcDay(time: number): number {
  return Math.floor(time / DAY) * DAY;
}

function timeOfDayMs(text: string): number | null {
  const match = TIME_OF_DAY.exec(text);
  if (!match) return null;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

function parseIso(text: string): number | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  const [, year, month, day, hours = '00', minutes = '00', seconds = '00', fraction = '', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const normalised = `${year}-${month}-${day}T${hours}:${minutes}:${seconds}${fraction}${offset}`;
  const time = Date.parse(normalised);
  if (Number.isNaN(time)) return null;
  // Date.parse rolls 2026-02-30 over to March; a calendar date that does not exist is an error.
  const check = new Date(time + (offset === 'Z' ? 0 : offsetMs(offset)));
  if (check.getUTCDate() !== Number(day) || check.getUTCMonth() + 1 !== Number(month)) return null;
  return time;
}

function offsetMs(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours, minutes] = offset.slice(1).split(':').map(Number);
  return sign * ((hours as number) * 60 + (minutes as number)) * 60_000;
}

/** An instant in epoch ms, or null when the text is none of the accepted forms. */
export function tryParseInstant(text: string, now: number): number | null {
  const value = text.trim();
  const lower = value.toLowerCase();
  if (lower === 'now') return now;
  if (/^@\d+$/.test(value)) return Number(value.slice(1)) * 1000;
  const ago = /^-?\s*(.+?)(?:\s+ago)?$/.exec(lower);
  const duration = ago ? parseDurationMs((ago[1] as string).replace(/\s+/g, '')) : null;
  if (duration !== null) return now - duration;
  const day = /^(today|yesterday)(?:\s+(\S+))?$/.exec(lower);
  if (day) {
    const start = startOfUtcDay(now) - (day[1] === 'yesterday' ? DAY : 0);
    if (day[2] === undefined) return start;
    const offset = timeOfDayMs(day[2]);
    return offset === null ? null : start + offset;
  }
  const clock = timeOfDayMs(value);
  if (clock !== null) {
    const today = startOfUtcDay(now) + clock;
    return today <= now ? today : today - DAY;
  }
  return parseIso(value);
}

/** An instant in epoch ms; a text that is no time is an error naming the option and the forms. */
export function parseInstant(text: string, now: number, what = 'time'): number {
  const time = tryParseInstant(text, now);
  if (time === null) throw new InvalidInputError(`bad ${what} '${text}': expected ${FORMS}`);
  return time;
}

/**
 * Git records author dates to the second; the index keeps milliseconds when the ledger wrote
 * it. Bounds are widened to whole seconds so that a change shown at 01:05:01Z is "at
 * 01:05:01Z" for every query, as it is for `git log`.
 */
export function startOfSecond(time: number): number {
  return Math.floor(time / 1000) * 1000;
}

export function endOfSecond(time: number): number {
  return Number.isFinite(time) ? Math.floor(time / 1000) * 1000 + 999 : time;
}

/** How times are shown: ISO-8601 in UTC to the second, as in the repository's author dates. */
export function formatInstant(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
