// "What changed in a few words": the changed fields between two versions of a document,
// e.g. `spec.replicas: 2 → 3` or `spec.template.spec.containers[web].image: nginx:1.26 → nginx:1.27`.
// Used for commit bodies and the investigator's `changes` table. Pure.
import type { Doc } from '../domain/change.ts';
import { isObject } from '../domain/json.ts';
import { escapeInvisible } from '../domain/text.ts';

export type FieldChangeKind = 'added' | 'removed' | 'changed';

export interface FieldDelta {
  readonly path: string;
  readonly kind: FieldChangeKind;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** A list item's label: its `name` (containers, env, ports) else its index. */
function itemLabel(item: unknown, index: number): string {
  if (isObject(item) && (typeof item['name'] === 'string' || typeof item['name'] === 'number'))
    return escapeInvisible(String(item['name']));
  return String(index);
}

function keyedList(list: readonly unknown[]): Map<string, unknown> {
  const labels = list.map(itemLabel);
  const unique = new Set(labels).size === labels.length;
  return new Map(list.map((item, index) => [unique ? (labels[index] as string) : String(index), item]));
}

function joinPath(base: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${escapeInvisible(JSON.stringify(key))}]`;
}

function collect(before: unknown, after: unknown, path: string, out: FieldDelta[]): void {
  if (before === after) return;
  if (isObject(before) && isObject(after)) {
    // Only the keys that differ are sorted: equal fields (nearly all) would add nothing but garbage.
    const keys: string[] = [];
    for (const key of Object.keys(before)) if (differs(before, after, key)) keys.push(key);
    for (const key of Object.keys(after))
      if (!Object.hasOwn(before, key) && differs(before, after, key)) keys.push(key);
    for (const key of keys.sort()) {
      if (!(key in before)) out.push({ path: joinPath(path, key), kind: 'added', after: after[key] });
      else if (!(key in after)) out.push({ path: joinPath(path, key), kind: 'removed', before: before[key] });
      // Equal fields (nearly all) cost no path.
      else if (before[key] !== after[key]) collect(before[key], after[key], joinPath(path, key), out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = keyedList(before);
    const b = keyedList(after);
    for (const [label, item] of b) {
      const next = `${path}[${label}]`;
      if (!a.has(label)) out.push({ path: next, kind: 'added', after: item });
      else collect(a.get(label), item, next, out);
    }
    for (const [label, item] of a)
      if (!b.has(label)) out.push({ path: `${path}[${label}]`, kind: 'removed', before: item });
    return;
  }
  // Two different scalars always differ as JSON too.
  if (!isStructure(before) && !isStructure(after)) out.push({ path, kind: 'changed', before, after });
  else if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, kind: 'changed', before, after });
}

/** Whether `key` adds a line below: it is in one of the two only, or its values differ. */
function differs(before: Record<string, unknown>, after: Record<string, unknown>, key: string): boolean {
  return !(key in before) || !(key in after) || before[key] !== after[key];
}

function isStructure(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** Every changed leaf (or added/removed subtree) between two documents, in key order. */
export function diffDocuments(before: Doc | null, after: Doc | null): FieldDelta[] {
  const out: FieldDelta[] = [];
  collect(before ?? {}, after ?? {}, '', out);
  return out;
}

/** A value shortened for one line: scalars as they are, blocks by size. */
export function shortValue(value: unknown, width = 40): string {
  if (typeof value === 'string') {
    if (value.includes('\n')) return `(${value.split('\n').length} lines)`;
    // Control and format characters (ESC, NUL, U+202E) are data here: shown, never acted on.
    return escapeInvisible(value.length > width ? `${value.slice(0, width - 1)}…` : value);
  }
  if (value === null || typeof value !== 'object') return String(value);
  const size = Array.isArray(value) ? value.length : Object.keys(value).length;
  return Array.isArray(value) ? `[${size} items]` : `{${size} keys}`;
}

export function describeDelta(delta: FieldDelta): string {
  switch (delta.kind) {
    case 'added':
      return `+${delta.path}: ${shortValue(delta.after)}`;
    case 'removed':
      return `-${delta.path}`;
    case 'changed':
      return typeof delta.before === 'string' &&
        typeof delta.after === 'string' &&
        (delta.before.includes('\n') || delta.after.includes('\n'))
        ? `${delta.path}: edited`
        : `${delta.path}: ${shortValue(delta.before)} → ${shortValue(delta.after)}`;
  }
}

/** The commit body: up to `limit` changed fields, one per line. */
export function summariseChange(before: Doc | null, after: Doc | null, limit = 6): string {
  if (before === null && after === null) return '';
  if (before === null) return 'created';
  if (after === null) return 'deleted';
  const deltas = diffDocuments(before, after);
  if (deltas.length === 0) return '';
  const lines = deltas.slice(0, limit).map((delta) => describeDelta(delta));
  if (deltas.length > limit) lines.push(`… and ${deltas.length - limit} more`);
  return lines.join('\n');
}
