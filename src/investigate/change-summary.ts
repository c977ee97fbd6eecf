// "What changed" in a few short items for the changes table and `log`: `spec.replicas 2→3`,
// `containers[web].image web:1.26→web:1.27`, `Statement[0].Action +s3:*`, `+labels.tier=web`.
// Built on diffDocuments; lists of plain values are compared as sets. Pure.
import { diffLines } from 'diff';
import type { Doc } from '../domain/change.ts';
import { diffDocuments, shortValue, type FieldDelta } from '../normalise/summary.ts';

const REDACTED = /^hmac-sha256:[0-9a-f]+$/;
const FULL_PATH_WIDTH = 24;
const VALUE_WIDTH = 32;

const isScalar = (value: unknown): boolean => value === null || typeof value !== 'object';
const isScalarList = (value: unknown): value is unknown[] => Array.isArray(value) && value.every(isScalar);

/** Splits `a.b[web].c["x.y"]` into `a`, `b[web]`, `c["x.y"]` (brackets stay with their name). */
export function pathTokens(path: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < path.length; i += 1) {
    const char = path[i] as string;
    if (quoted) {
      current += char;
      if (char === '\\') current += path[++i] ?? '';
      else if (char === '"') quoted = false;
      continue;
    }
    if (char === '"' && depth > 0) quoted = true;
    if (char === '[') depth += 1;
    if (char === ']') depth -= 1;
    if (char === '.' && depth === 0) {
      tokens.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  tokens.push(current);
  return tokens.filter((token) => token !== '');
}

/** A field's name for one line: the whole path when short, else its last two names. */
export function fieldLabel(path: string): string {
  if (path.length <= FULL_PATH_WIDTH) return path;
  return pathTokens(path).slice(-2).join('.');
}

/** A value for one line. Identifiers keep their end (image tags, ARNs); prose keeps its start. */
export function showValue(value: unknown): string {
  if (typeof value !== 'string') return shortValue(value);
  if (value.includes('\n')) return `(${value.split('\n').length} lines)`;
  if (value.length <= VALUE_WIDTH) return value === '' ? '""' : value;
  return /\s/.test(value) ? `${value.slice(0, VALUE_WIDTH - 1)}…` : `…${value.slice(-(VALUE_WIDTH - 1))}`;
}

/** `+2 -1 lines`: the lines a text edit added and removed. */
function lineDelta(before: string, after: string): string {
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) added += part.count;
    else if (part.removed) removed += part.count;
  }
  return `+${added} -${removed} lines`;
}

function describeChanged(label: string, before: unknown, after: unknown): string {
  if (typeof before === 'string' && typeof after === 'string') {
    if (REDACTED.test(before) && REDACTED.test(after)) return `${label} changed (redacted)`;
    if (before.includes('\n') || after.includes('\n')) return `${label} edited (${lineDelta(before, after)})`;
  }
  const setLike = (value: unknown) => isScalar(value) || isScalarList(value);
  if (setLike(before) && setLike(after) && (isScalarList(before) || isScalarList(after))) {
    return describeSet(label, isScalarList(before) ? before : [before], isScalarList(after) ? after : [after]);
  }
  if (typeof before === 'string' && typeof after === 'string') {
    const tail = after.slice(sharedStem(before, after));
    return `${label} ${before === '' ? '""' : showValue(before)}→${showValue(tail)}`;
  }
  return `${label} ${showValue(before)}→${showValue(after)}`;
}

/**
 * How much of `after` repeats `before` up to a `:`, `/`, `@` or `=`: `nginx:1.26` → `nginx:1.27`
 * shows as `nginx:1.26→1.27`, as people write it.
 */
function sharedStem(before: string, after: string): number {
  let same = 0;
  while (same < before.length && same < after.length && before[same] === after[same]) same += 1;
  for (let at = same - 1; at >= 0; at -= 1) {
    if (':/@='.includes(before[at] as string)) return at + 1 < after.length ? at + 1 : 0;
  }
  return 0;
}

/** The net additions and removals between two multisets of plain values. */
function describeSet(label: string, before: readonly unknown[], after: readonly unknown[]): string {
  const remaining = before.map((value) => JSON.stringify(value));
  const added: string[] = [];
  for (const value of after) {
    const at = remaining.indexOf(JSON.stringify(value));
    if (at === -1) added.push(showValue(value));
    else remaining.splice(at, 1);
  }
  const removed = remaining.map((json) => showValue(JSON.parse(json)));
  const parts = [...added.map((value) => `+${value}`), ...removed.map((value) => `-${value}`)];
  return parts.length === 0 ? `${label} reordered` : `${label} ${parts.join(' ')}`;
}

/** Items of plain-valued lists (`Action[1]`) become one set change on the list. */
function groupListItems(
  deltas: readonly FieldDelta[],
): Array<FieldDelta | { path: string; before: unknown[]; after: unknown[] }> {
  const out: Array<FieldDelta | { path: string; before: unknown[]; after: unknown[] }> = [];
  const groups = new Map<string, { path: string; before: unknown[]; after: unknown[] }>();
  for (const delta of deltas) {
    const item = /^(.*)\[(\d+)\]$/.exec(delta.path);
    const plain =
      (delta.kind === 'added' || isScalar(delta.before)) && (delta.kind === 'removed' || isScalar(delta.after));
    if (!item || !plain) {
      out.push(delta);
      continue;
    }
    const parent = item[1] as string;
    let group = groups.get(parent);
    if (!group) {
      group = { path: parent, before: [], after: [] };
      groups.set(parent, group);
      out.push(group);
    }
    if (delta.kind !== 'added') group.before.push(delta.before);
    if (delta.kind !== 'removed') group.after.push(delta.after);
  }
  return out;
}

/**
 * CloudTrail resource files keep the last parameters of each call under `calls:` and the
 * reduced state under `configuration:` (DESIGN §4). The state is what a reader wants; without
 * one, the call's request parameters (its response echoes them), never its event id and time.
 */
function focusCloudTrail(deltas: readonly FieldDelta[], doc: Doc): FieldDelta[] {
  if (!('calls' in doc)) return [...deltas];
  const configuration = deltas.filter(
    (delta) => delta.path.startsWith('configuration.') || delta.path.startsWith('configuration['),
  );
  if (configuration.length > 0)
    return configuration.map((delta) => ({ ...delta, path: delta.path.replace(/^configuration\.?/, '') }));
  const request = /^calls\.[^.]+\.requestParameters\.?/;
  const requests = deltas.filter((delta) => request.test(delta.path));
  if (requests.length > 0)
    return requests.map((delta) => ({ ...delta, path: delta.path.replace(request, '') || 'requestParameters' }));
  const calls = deltas.filter((delta) => !/^calls\.[^.]+\.(eventID|eventTime)$/.test(delta.path));
  return calls.length > 0 ? calls : [...deltas];
}

/** An added mapping with a single key is named by that key (`+inlinePolicies.app`), twice at most. */
function descendSingleKeys(path: string, value: unknown): string {
  let current = value;
  let out = path;
  for (let depth = 0; depth < 2; depth += 1) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) break;
    const keys = Object.keys(current);
    if (keys.length !== 1) break;
    const key = keys[0] as string;
    out = /^[A-Za-z_$][\w$-]*$/.test(key) ? `${out}.${key}` : `${out}[${JSON.stringify(key)}]`;
    current = (current as Record<string, unknown>)[key];
  }
  return out;
}

/** The summary items of one change, at most `limit` (then `… N more`). */
export function summariseFields(before: Doc | null, after: Doc | null, limit = Number.POSITIVE_INFINITY): string[] {
  if (before === null && after === null) return [];
  if (before === null) return ['created'];
  if (after === null) return ['deleted'];
  const deltas = focusCloudTrail(diffDocuments(before, after), after);
  const items = groupListItems(deltas).map((delta) => {
    const label = fieldLabel(delta.path);
    if (!('kind' in delta)) return describeSet(label, delta.before, delta.after);
    switch (delta.kind) {
      case 'added': {
        if (isScalar(delta.after)) return `+${label}=${showValue(delta.after)}`;
        return `+${fieldLabel(descendSingleKeys(delta.path, delta.after))}`;
      }
      case 'removed':
        return `-${label}`;
      case 'changed':
        return describeChanged(label, delta.before, delta.after);
    }
  });
  if (items.length === 0) return ['no field changed'];
  return items.length > limit ? [...items.slice(0, limit - 1), `… ${items.length - limit + 1} more`] : items;
}
