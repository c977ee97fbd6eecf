// Canonical YAML (DESIGN §3): the same document always renders to the same bytes.
// Top level apiVersion, kind, metadata first and status last; every other key sorted by
// code point; lists keep their order; multi-line strings as literal blocks so that
// `git blame` works per line of an embedded file.
import * as yaml from 'js-yaml';
import type { Doc } from '../domain/change.ts';
import { setOwn } from '../domain/json.ts';
import { CanonicalEmitter } from './yaml-emitter.ts';

const FIRST_KEYS = ['apiVersion', 'kind', 'metadata'] as const;
const LAST_KEYS = ['status'] as const;

/** Invisible characters that a literal block cannot carry; a tab can. */
const UNSAFE_IN_BLOCK = /[\x00-\x08\x0B-\x1F\x7F-\x9F\u2028\u2029\uFEFF\uFFFE\uFFFF]/;

// js-yaml double-quotes any string containing a tab; an embedded Makefile or TSV would
// then render as one long quoted line. Multi-line strings with tabs stay literal blocks.
function literalBlockForMultilineWithTabs(layout: Parameters<yaml.ScalarStyleRule>[0]): void {
  const value = layout.node.value;
  if (layout.style !== yaml.SCALAR_STYLE.PLAIN || layout.isKey) return;
  if (!value.includes('\n') || !value.includes('\t') || UNSAFE_IN_BLOCK.test(value)) return;
  if ((layout.allowedStylesMask & (1 << yaml.SCALAR_STYLE.LITERAL_BLOCK)) === 0) return;
  layout.style = yaml.SCALAR_STYLE.LITERAL_BLOCK;
}

const SCALAR_STYLE_RULES = [literalBlockForMultilineWithTabs, ...Object.values(yaml.DEFAULT_SCALAR_STYLE_RULES)];

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Returns a deep copy with keys in canonical order and `undefined` values dropped. */
export function orderDocument(value: unknown, isTop = true): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : orderDocument(item, false)));
  if (value instanceof Date) return value.toISOString();
  // JSON.parse('-0') is -0, which js-yaml writes as -0.0; a journal round trip (JSON) makes it 0.
  if (Object.is(value, -0)) return 0;
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source).filter((key) => source[key] !== undefined);
  const ordered: Record<string, unknown> = {};
  if (isTop) {
    const first = FIRST_KEYS.filter((key) => keys.includes(key));
    const last = LAST_KEYS.filter((key) => keys.includes(key));
    const middle = keys
      .filter((key) => !first.includes(key as never) && !last.includes(key as never))
      .sort(compareCodePoints);
    for (const key of [...first, ...middle, ...last]) setOwn(ordered, key, orderDocument(source[key], false));
  } else {
    for (const key of keys.sort(compareCodePoints)) setOwn(ordered, key, orderDocument(source[key], false));
  }
  return ordered;
}

const DUMP_OPTIONS = { lineWidth: -1, noRefs: true, indent: 2, scalarStyleRules: SCALAR_STYLE_RULES };

/** One scalar as js-yaml writes it as the value of a key at depth 1 (without `k: ` and the newline). */
function dumpScalar(value: string | number): string {
  return yaml.dump({ k: value }, DUMP_OPTIONS).slice('k: '.length, -1);
}

const emitter = new CanonicalEmitter(dumpScalar);

/** The document rendered by js-yaml, as toCanonicalYaml did before yaml-emitter.ts (tests compare the two). */
export function toCanonicalYamlWithJsYaml(doc: Doc): string {
  return yaml.dump(orderDocument(doc), DUMP_OPTIONS);
}

/** Renders a document as canonical YAML text (always ends with a newline). */
export function toCanonicalYaml(doc: Doc): string {
  return emitter.emit(doc) ?? toCanonicalYamlWithJsYaml(doc);
}

/**
 * How deeply a stored document may nest to be read back: the edge lets nothing deeper than 100
 * levels through (js-yaml's default), but a repository written before it may hold deeper ones.
 */
const READ_DEPTH = 1000;

/** Parses canonical YAML back into a document (the inverse of toCanonicalYaml). */
export function parseCanonicalYaml(text: string): Doc {
  const value = yaml.load(text, { maxDepth: READ_DEPTH });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError('canonical YAML must hold a mapping at the top level');
  }
  return value as Doc;
}
