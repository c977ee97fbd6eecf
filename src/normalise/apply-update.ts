// Applies an Update to the previous document of a file. Pure: the ledger supplies the
// previous document and writes the result.
import type { Doc, Update } from '../domain/change.ts';
import { setOwn } from '../domain/json.ts';
import { reduceCloudTrailCall } from '../formats/cloudtrail/reduce.ts';
import { splitFieldPath } from './noise.ts';

/** What a file becomes: a document, a deletion (null), or unchanged (`skip`). */
export type Applied = Doc | null | 'skip';

function setField(target: Record<string, unknown>, parts: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = parts;
  if (head === undefined) return target;
  const out = { ...target };
  if (rest.length === 0) {
    if (value === null || value === undefined) delete out[head];
    else setOwn(out, head, value);
    return out;
  }
  const child = Object.hasOwn(target, head) ? target[head] : undefined;
  setOwn(
    out,
    head,
    setField(
      child && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {},
      rest,
      value,
    ),
  );
  return out;
}

export function applyUpdate(prev: Doc | null, update: Update): Applied {
  switch (update.kind) {
    case 'put':
      return update.doc;
    case 'delete':
      return null;
    case 'set-fields': {
      if (prev === null && !update.createIfMissing) return 'skip';
      let doc: Doc = prev ?? {};
      for (const [path, value] of Object.entries(update.fields)) doc = setField(doc, splitFieldPath(path), value);
      return doc;
    }
    case 'cloudtrail-call':
      return reduceCloudTrailCall(prev, update.call);
  }
}
