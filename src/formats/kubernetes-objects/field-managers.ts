// Who may be named the author of a recorded Kubernetes object when no audit event names one:
// a `metadata.managedFields` manager that owns at least one field the recorded document holds.
// Entries of a subresource (`status`, `scale`, …) never qualify, nor do managers whose fields
// are all gone from the document (status, noise such as last-applied-configuration). Pure.
// fieldsV1 keys (https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management):
// `f:<name>` a field, `k:<json>` a list item by its key fields, `v:<json>` a set member,
// `i:<n>` a list index, `.` the node itself; an empty set `{}` owns the node it names.
import { isObject } from '../../domain/json.ts';
import type { Doc } from '../../domain/change.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';

export interface FieldManager {
  readonly manager: string;
  readonly operation: string;
  /** Epoch ms (managedFields times are whole seconds). */
  readonly time: number;
}

export interface DocumentWriters {
  /** The manager that last wrote a recorded field; null when none did, or two did in the same second. */
  readonly author: FieldManager | null;
  /** When a recorded field was last written by any manager (epoch ms), else null. */
  readonly lastWrite: number | null;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** The part of `value` a fieldsV1 key names, or undefined when the document does not hold it. */
function member(value: unknown, key: string): unknown {
  const rest = key.slice(2);
  if (key.startsWith('f:')) return isObject(value) && Object.hasOwn(value, rest) ? value[rest] : undefined;
  if (!Array.isArray(value)) return undefined;
  if (key.startsWith('i:')) return value[Number(rest)];
  const wanted = parseJson(rest);
  if (key.startsWith('v:')) return value.find((item) => sameJson(item, wanted));
  if (key.startsWith('k:') && isObject(wanted))
    return value.find(
      (item) => isObject(item) && Object.entries(wanted).every(([field, expected]) => sameJson(item[field], expected)),
    );
  return undefined;
}

/** Whether a field set owns any field that `value` (the node it describes) holds. */
function ownsHeldField(set: Record<string, unknown>, value: unknown): boolean {
  for (const [key, child] of Object.entries(set)) {
    if (key === '.') return true;
    const held = member(value, key);
    if (held === undefined || !isObject(child)) continue;
    if (Object.keys(child).length === 0 || ownsHeldField(child, held)) return true;
  }
  return false;
}

/** A usable managedFields entry of the main resource whose fields the document holds. */
function qualifying(entry: unknown, doc: Doc): FieldManager | null {
  if (!isObject(entry) || typeof entry['manager'] !== 'string') return null;
  if (typeof entry['subresource'] === 'string' && entry['subresource'] !== '') return null;
  // ISO 8601 only (as the apiserver writes it), a zone-less time as UTC, never the host's zone.
  const time = typeof entry['time'] === 'string' ? parseUtcTimestamp(entry['time']) : undefined;
  if (time === undefined || !isObject(entry['fieldsV1']) || !ownsHeldField(entry['fieldsV1'], doc)) return null;
  return { manager: entry['manager'], operation: String(entry['operation'] ?? ''), time };
}

/** The managers of `object` (as read) that wrote fields of `doc` (what the repository records). */
export function documentWriters(object: Doc, doc: Doc): DocumentWriters {
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  const entries = Array.isArray(metadata['managedFields']) ? metadata['managedFields'] : [];
  let newest: FieldManager[] = [];
  for (const entry of entries) {
    const writer = qualifying(entry, doc);
    if (!writer) continue;
    const best = newest[0];
    if (!best || writer.time > best.time) newest = [writer];
    else if (writer.time === best.time) newest.push(writer);
  }
  const names = new Set(newest.map((writer) => writer.manager));
  return { author: names.size === 1 ? (newest.at(-1) ?? null) : null, lastWrite: newest[0]?.time ?? null };
}
