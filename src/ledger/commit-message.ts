// The commit message format (DESIGN §3): `<verb> <what>`, a blank line, a short body saying
// what changed, a blank line, then git trailers. A public contract, pinned by golden tests.
// No control or format character reaches a message (a NUL fails `git fsck --strict`).
import type { Trailers } from '../domain/change.ts';
import { cleanHeaderText, hasInvisible } from '../domain/text.ts';

/** cleanHeaderText, without its copies when there is nothing to clean (nearly always). */
function clean(value: string): string {
  return hasInvisible(value) ? cleanHeaderText(value) : value;
}

function oneLine(value: string): string {
  return clean(value).trim();
}

/**
 * A trailers array as the message holds it (values on one line, empty ones left out), and as a
 * record once asked for.
 */
interface Written {
  readonly trailers: Trailers;
  readonly lines: ReadonlyArray<readonly [string, string]>;
  record: Readonly<Record<string, string>> | null;
}

/**
 * The last few trailers arrays seen, by identity: a record's are read three times within one apply
 * (its key, its message, the index). Not WeakMaps: one entry per commit in two ephemeron tables
 * cost the writer's garbage collector more than the lookups saved (issue 12).
 */
const recent: Written[] = [];
const RECENT = 8;
let nextSlot = 0;

function writtenOf(trailers: Trailers): Written {
  const known = recent.find((entry) => entry.trailers === trailers);
  if (known) return known;
  const lines = trailers
    .map(([key, value]) => [oneLine(key), oneLine(value)] as const)
    .filter(([key, value]) => key !== '' && value !== '');
  const entry: Written = { trailers, lines, record: null };
  recent[nextSlot] = entry;
  nextSlot = (nextSlot + 1) % RECENT;
  return entry;
}

/** Trailer values are single lines; keys are `Word-Word`. */
export function formatCommitMessage(subject: string, body: string, trailers: Trailers): string {
  const parts = [oneLine(subject) || '(no subject)'];
  const text = body.split('\n').map(clean).join('\n').trim();
  if (text) parts.push(text);
  const lines = writtenOf(trailers).lines.map(([key, value]) => `${key}: ${value}`);
  if (lines.length > 0) parts.push(lines.join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/**
 * The trailers by key exactly as parseCommitMessage reads them back from the message that
 * formatCommitMessage writes (a repeated key keeps the last value): what the writer indexes, so
 * an index rebuilt from the repository holds the same values, dedupe keys included.
 */
export function writtenTrailers(trailers: Trailers): Readonly<Record<string, string>> {
  const entry = writtenOf(trailers);
  entry.record ??= Object.freeze(Object.fromEntries(entry.lines));
  return entry.record;
}

export interface ParsedMessage {
  readonly subject: string;
  readonly body: string;
  /** Trailer values by key; a repeated key keeps the last value. */
  readonly trailers: Record<string, string>;
}

const TRAILER = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/;

export function parseCommitMessage(message: string): ParsedMessage {
  const paragraphs = message.replace(/\n+$/, '').split(/\n\n/);
  const subject = paragraphs.shift() ?? '';
  const last = paragraphs.at(-1);
  const trailers: Record<string, string> = {};
  if (last !== undefined && last.split('\n').every((line) => TRAILER.test(line))) {
    paragraphs.pop();
    for (const line of last.split('\n')) {
      const match = TRAILER.exec(line) as RegExpExecArray;
      trailers[match[1] as string] = match[2] as string;
    }
  }
  return { subject, body: paragraphs.join('\n\n'), trailers };
}
