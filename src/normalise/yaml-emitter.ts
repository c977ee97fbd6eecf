// A direct emitter of canonical YAML for the documents ingest renders (issue 12: js-yaml's dump,
// with the ordered copy made for it, was ~10% of the render worker's CPU and much of its
// garbage). It walks the document once in canonical key order and writes what js-yaml writes
// with canonical-yaml.ts's options, byte for byte; anything outside the subset it knows (a
// non-integer number, a multi-line key, a block scalar whose document would end open, an object
// that is not plain) makes it answer null, and the caller renders with js-yaml instead.
// Scalars js-yaml quotes or writes as blocks are asked of js-yaml, one scalar at a time.
//
// The string rules are js-yaml 5's scalar styler for a block context at depth >= 1 (where the
// choice does not depend on the depth), with its YAML 1.1 dump schema: canonical-yaml.test.ts
// checks them against js-yaml on the corpus and on generated tricky strings.
import { DUMP_SCHEMA } from 'js-yaml';

/** A value outside the emitter's subset: the whole document is rendered by js-yaml. */
const UNSUPPORTED = Symbol('unsupported');

const FIRST_KEYS = ['apiVersion', 'kind', 'metadata'];
const LAST_KEY = 'status';
const MAX_PLAIN_KEY = 1024;

// YAML 1.2 productions as js-yaml 5 spells them (src/ast/scalar_styler.ts).
const C_PRINTABLE = '[\\x09\\x0A\\x0D\\x20-\\x7E\\x85\\xA0-\\uD7FF\\uE000-\\uFFFD\\u{10000}-\\u{10FFFF}]';
const NB_CHAR = `(?:(?![\\n\\r\\uFEFF])${C_PRINTABLE})`;
const NS_CHAR = `(?:(?![ \\t])${NB_CHAR})`;
const PLAIN_FIRST = `(?:(?:(?![-?:,\\[\\]{}#&*!|>'"%@\`])${NS_CHAR})|[?:-](?=${NS_CHAR}))`;
const PLAIN_CHAR = `(?:(?:(?![:#])${NS_CHAR})|:(?=${NS_CHAR}))#*`;
/** One-line plain scalars (values and keys alike: a multi-line value never stays plain). */
const PLAIN_ONE_LINE = new RegExp(`^(?:${PLAIN_FIRST}#*(?:[ \\t]*${PLAIN_CHAR})*)$`, 'u');
const SINGLE_ONE_LINE = /^[\x09\x20-\uD7FF\uE000-\uFFFF\u{10000}-\u{10FFFF}]*$/u;
const INVISIBLES = /[\t\x7F-\xA0\u2028\u2029\uFEFF\uFFFE\uFFFF]/;
const WHITESPACE_ONLY = /^\s+$/;
/** Strings that need no check beyond their characters: letters first, not a YAML 1.1 word. */
const SIMPLE = /^[A-Za-z][A-Za-z0-9_./-]{5,}$/;
/** Multi-line text js-yaml writes as a literal block with no check beyond its characters. */
const PRINTABLE_ASCII_LINES = /^[\x20-\x7E\n]*\n[\x20-\x7E\n]*$/;
const STR_TAG = DUMP_SCHEMA.defaultScalarTag.tagName;

/** How js-yaml writes a one-line string in a block context: plain, single-quoted, or null (double-quoted). */
function quickScalar(value: string, isKey: boolean): string | null {
  if (SIMPLE.test(value)) return value;
  // js-yaml's first rules double-quote these whatever else allows.
  if (INVISIBLES.test(value) || WHITESPACE_ONLY.test(value)) return null;
  const plain =
    value !== '' &&
    value !== '=' &&
    PLAIN_ONE_LINE.test(value) &&
    DUMP_SCHEMA.resolveImplicitScalarTag(value).tag.tagName === STR_TAG;
  if (plain) return value;
  return SINGLE_ONE_LINE.test(value) ? `'${value.replaceAll("'", "''")}'` : null;
}

type Delegate = (value: string | number) => string;

export class CanonicalEmitter {
  /** Renders one scalar as js-yaml does, as the value of a key at depth 1. */
  readonly #delegate: Delegate;
  readonly #keys = new Map<string, string | null>();
  #out = '';

  constructor(delegate: Delegate) {
    this.#delegate = delegate;
  }

  /** The canonical YAML of `doc`, or null when js-yaml must render it. */
  emit(doc: Record<string, unknown>): string | null {
    if (!isPlainObject(doc)) return null;
    this.#out = '';
    try {
      const keys = presentKeys(doc);
      if (keys.length === 0) return '{}\n';
      const first = FIRST_KEYS.filter((key) => keys.includes(key));
      const middle = keys.filter((key) => !FIRST_KEYS.includes(key) && key !== LAST_KEY).sort(compareCodePoints);
      if (keys.includes(LAST_KEY)) middle.push(LAST_KEY);
      this.#pairs(doc, asObjectKeys([...first, ...middle]), 0, true);
      return `${this.#out}\n`;
    } catch (error) {
      if (error === UNSUPPORTED) return null;
      throw error;
    } finally {
      this.#out = '';
    }
  }

  #pairs(map: Record<string, unknown>, keys: readonly string[], level: number, compact: boolean): void {
    const indent = '  '.repeat(level);
    for (const [index, key] of keys.entries()) {
      if (!compact || index > 0) this.#out += `\n${indent}`;
      this.#out += this.#key(key);
      this.#out += ':';
      this.#value(map[key], level + 1, false);
    }
  }

  #key(key: string): string {
    let text = this.#keys.get(key);
    if (text === undefined) {
      if (key.includes('\n') || key.includes('\r')) throw UNSUPPORTED;
      text = quickScalar(key, true);
      if (text !== null && text.length > MAX_PLAIN_KEY) text = null;
      if (this.#keys.size > 10_000) this.#keys.clear();
      this.#keys.set(key, text);
    }
    if (text === null) throw UNSUPPORTED;
    return text;
  }

  /** Writes a value after `key:` or `-` (the separator space included), at `level`. */
  #value(value: unknown, level: number, compact: boolean): void {
    if (typeof value === 'string') {
      this.#out += ` ${this.#string(value, level)}`;
      return;
    }
    if (typeof value === 'number') {
      // JSON.parse('-0') is -0, written 0 (orderDocument); other non-integers as js-yaml writes them.
      this.#out += ` ${Number.isSafeInteger(value) ? String(value === 0 ? 0 : value) : this.#delegate(value)}`;
      return;
    }
    if (typeof value === 'boolean') {
      this.#out += value ? ' true' : ' false';
      return;
    }
    if (value === null) {
      this.#out += ' null';
      return;
    }
    if (value instanceof Date) {
      this.#out += ` ${this.#string(value.toISOString(), level)}`;
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) this.#out += ' []';
      else this.#items(value, level, compact);
      return;
    }
    if (typeof value !== 'object' || !isPlainObject(value)) throw UNSUPPORTED;
    const map = value as Record<string, unknown>;
    const keys = presentKeys(map);
    if (keys.length === 0) this.#out += ' {}';
    else {
      if (compact) this.#out += ' ';
      this.#pairs(map, asObjectKeys(keys.sort(compareCodePoints)), level, compact);
    }
  }

  #items(items: readonly unknown[], level: number, compact: boolean): void {
    const indent = '  '.repeat(level);
    for (const [index, item] of items.entries()) {
      if (compact && index === 0) this.#out += ' -';
      else this.#out += `\n${indent}-`;
      this.#value(item === undefined ? null : item, level + 1, true);
    }
  }

  #string(value: string, level: number): string {
    if (!value.includes('\n') && !value.includes('\r')) {
      const quick = quickScalar(value, false);
      if (quick !== null) return quick;
    }
    if (PRINTABLE_ASCII_LINES.test(value) && !WHITESPACE_ONLY.test(value) && !value.endsWith('\n\n')) {
      return literalBlock(value, level);
    }
    const text = this.#delegate(value);
    if (text.startsWith('"')) return text;
    // A literal block, written for depth 1: its lines move to the depth of this value.
    if (!text.startsWith('|') || value === '\n' || value.endsWith('\n\n')) throw UNSUPPORTED;
    if (level === 1) return text;
    const indent = '  '.repeat(level);
    return text.replaceAll(/\n {2}/g, `\n${indent}`);
  }
}

/**
 * A multi-line string as js-yaml's literal block at `level`: lines indented by two spaces a
 * level (empty ones not), an indentation digit when the text starts with a space, `-` when it
 * does not end with a line break (one at most: more would need `+` and an open-ended document).
 */
function literalBlock(value: string, level: number): string {
  const indent = '  '.repeat(level);
  const clipped = value.endsWith('\n');
  const header = `|${/^\n* /.test(value) ? '2' : ''}${clipped ? '' : '-'}\n`;
  const lines = (clipped ? value.slice(0, -1) : value).split('\n');
  return header + lines.map((line) => (line === '' ? '' : indent + line)).join('\n');
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

function isArrayIndex(key: string): boolean {
  return ARRAY_INDEX.test(key) && Number(key) < 2 ** 32 - 1;
}

/**
 * Keys in the order an object built by inserting them enumerates them (orderDocument's copy,
 * which js-yaml then writes): array indexes first, in numeric order.
 */
function asObjectKeys(keys: string[]): string[] {
  if (!keys.some(isArrayIndex)) return keys;
  const indexes = keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b));
  return [...indexes, ...keys.filter((key) => !isArrayIndex(key))];
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function presentKeys(map: Record<string, unknown>): string[] {
  const keys = Object.keys(map);
  for (const key of keys) if (map[key] === undefined) return keys.filter((k) => map[k] !== undefined);
  return keys;
}
