// JSON Patch (RFC 6902) operations that turn one canonical document into the next; an absent
// document is `{}`. Lists are compared by position, extra items added or removed at the end,
// so applying the operations in order gives exactly the new document. Pure.
import type { Doc } from '../domain/change.ts';
import { isObject } from '../domain/json.ts';

export interface PatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  /** JSON Pointer (RFC 6901). */
  readonly path: string;
  readonly value?: unknown;
}

export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function walk(before: unknown, after: unknown, pointer: string, out: PatchOperation[]): void {
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before).sort()) {
      if (!(key in after)) out.push({ op: 'remove', path: `${pointer}/${pointerSegment(key)}` });
    }
    for (const key of Object.keys(after).sort()) {
      const path = `${pointer}/${pointerSegment(key)}`;
      if (!(key in before)) out.push({ op: 'add', path, value: after[key] });
      else walk(before[key], after[key], path, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i += 1) walk(before[i], after[i], `${pointer}/${i}`, out);
    for (let i = common; i < after.length; i += 1) out.push({ op: 'add', path: `${pointer}/${i}`, value: after[i] });
    for (let i = before.length - 1; i >= common; i -= 1) out.push({ op: 'remove', path: `${pointer}/${i}` });
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ op: 'replace', path: pointer, value: after });
}

export function jsonPatch(before: Doc | null, after: Doc | null): PatchOperation[] {
  const out: PatchOperation[] = [];
  walk(before ?? {}, after ?? {}, '', out);
  return out;
}
