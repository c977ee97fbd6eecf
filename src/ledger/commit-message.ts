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

/** By trailers array: a record's are read three times per commit (its key, its message, the index). */
const writtenOf = new WeakMap<Trailers, ReadonlyArray<readonly [string, string]>>();

/** The trailers as the message holds them: values on one line, empty ones left out. */
function written(trailers: Trailers): ReadonlyArray<readonly [string, string]> {
  let known = writtenOf.get(trailers);
  if (known === undefined) {
    known = trailers
      .map(([key, value]) => [oneLine(key), oneLine(value)] as const)
      .filter(([key, value]) => key !== '' && value !== '');
    writtenOf.set(trailers, known);
  }
  return known;
}

/** Trailer values are single lines; keys are `Word-Word`. */
export function formatCommitMessage(subject: string, body: string, trailers: Trailers): string {
  const parts = [oneLine(subject) || '(no subject)'];
  const text = body.split('\n').map(clean).join('\n').trim();
  if (text) parts.push(text);
  const lines = written(trailers).map(([key, value]) => `${key}: ${value}`);
  if (lines.length > 0) parts.push(lines.join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/**
 * The trailers by key exactly as parseCommitMessage reads them back from the message that
 * formatCommitMessage writes (a repeated key keeps the last value): what the writer indexes, so
 * an index rebuilt from the repository holds the same values, dedupe keys included.
 */
export function writtenTrailers(trailers: Trailers): Readonly<Record<string, string>> {
  let known = recordOf.get(trailers);
  if (known === undefined) {
    known = Object.freeze(Object.fromEntries(written(trailers)));
    recordOf.set(trailers, known);
  }
  return known;
}

/** By trailers array: the record's key and its index entry read the same object. */
const recordOf = new WeakMap<Trailers, Readonly<Record<string, string>>>();

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
