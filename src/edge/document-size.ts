// Whether a document stays within the size limit as canonical YAML, without rendering it in the
// common case (js-yaml takes seconds on a string of a million characters): one walk bounds the
// YAML size from above (each string in its longest style: escaped, quoted or as an indented
// block; each line's indentation and key) and from below (every character of every string is
// written at least once); only a document between the bounds is rendered.
// document-size.property.test.ts checks both bounds against js-yaml on random documents.
import type { Doc } from '../domain/change.ts';
import { toCanonicalYaml } from '../normalise/canonical-yaml.ts';

export type SizeVerdict = { readonly fits: true } | { readonly fits: false; readonly atLeast: number };

export interface SizeBounds {
  readonly low: number;
  readonly high: number;
}

const ASCII = /^[\x00-\x7f]*$/;
/** Escaped as two bytes in a double-quoted string (`\"`, `\\`, `\t`, `\n`, `\r`). */
const TWO_BYTES = /["\\\t\n\r]/g;
/** Doubled in a single-quoted string. */
const QUOTE = /'/g;
/** Escaped as four bytes (`\x01`). */
const FOUR_BYTES = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
/** Markers around a scalar at most: quotes, a block header with its indentation digit, `? ` of a long key. */
const SCALAR_OVERHEAD = 16;

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

/** The most bytes a string takes as YAML at `indent` spaces, in whichever style js-yaml picks. */
function stringBound(text: string, indent: number): number {
  let newlines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) newlines += 1;
  // Plain, single-quoted (`'` as `''`) and block styles write the characters and, per line
  // break, up to two breaks and the indentation. Double-quoted, ASCII takes 1 byte, 2 or 4 when escaped; other
  // BMP characters at most 6 (\uFEFF), astral ones 10 (\U000E0020) for their 2 UTF-16 units.
  const lines = newlines * (indent + 4);
  const bound = ASCII.test(text)
    ? Math.max(
        text.length + count(text, TWO_BYTES) + 3 * count(text, FOUR_BYTES),
        text.length + count(text, QUOTE) + lines,
      )
    : Math.max(text.length * 6, text.length * 3 + lines);
  return bound + SCALAR_OVERHEAD + indent;
}

/** Bounds on the canonical YAML size of a JSON-like document, in bytes. */
export function yamlSizeBounds(doc: Doc): SizeBounds {
  let low = 0;
  let high = 0;
  const stack: Array<readonly [unknown, number]> = [[doc, 0]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [value, indent] = next;
    // Every node starts a line at most: its indentation, `- ` or `key: `, a line break.
    high += indent + 4;
    if (typeof value === 'string') {
      low += value.length;
      high += stringBound(value, indent);
    } else if (Array.isArray(value)) {
      high += 2;
      for (const item of value) stack.push([item, indent + 2]);
    } else if (value !== null && typeof value === 'object') {
      high += 2;
      for (const [key, item] of Object.entries(value)) {
        if (item === undefined) continue;
        low += key.length;
        high += stringBound(key, indent) + 2;
        stack.push([item, indent + 2]);
      }
    } else {
      // Numbers as JavaScript prints them (js-yaml may add `.0` or write `.inf`), true, false, null.
      high += String(value).length + 4;
    }
  }
  return { low, high };
}

/** Whether `doc` renders to at most `maxBytes` of canonical YAML. */
export function checkDocumentSize(doc: Doc, maxBytes: number): SizeVerdict {
  const { low, high } = yamlSizeBounds(doc);
  if (high <= maxBytes) return { fits: true };
  if (low > maxBytes) return { fits: false, atLeast: low };
  const bytes = Buffer.byteLength(toCanonicalYaml(doc));
  return bytes <= maxBytes ? { fits: true } : { fits: false, atLeast: bytes };
}
