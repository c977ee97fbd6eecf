// managedFields bookkeeping of the fake API server, shaped like the apiserver's: a write's
// manager gets an entry (per manager, operation and subresource) owning the fields the write
// set or changed, as a fieldsV1 set (`f:` keys; lists are owned whole); those fields leave
// every other manager's entry of the same resource part; an entry left owning nothing goes.
// Writes to the `status` subresource own status fields (and metadata they touched), in an
// entry marked `subresource: status`, as kube-controller-manager's are.

type FieldSet = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Set by the server, never owned by a manager. */
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
]);

/** The fields `after` sets that `before` did not hold with the same value, as a fieldsV1 set. */
function setFields(before: unknown, after: unknown): FieldSet {
  const out: FieldSet = {};
  if (!isObject(after)) return out;
  for (const [key, value] of Object.entries(after)) {
    const old = isObject(before) ? before[key] : undefined;
    if (JSON.stringify(old) === JSON.stringify(value)) continue;
    if (isObject(value) && Object.keys(value).length > 0) {
      const inner = setFields(old, value);
      if (Object.keys(inner).length > 0) out[`f:${key}`] = inner;
    } else out[`f:${key}`] = {};
  }
  return out;
}

/** The part of an object a write to the main resource or to a subresource may own. */
function ownable(object: Record<string, unknown>, subresource: string | null): Record<string, unknown> {
  const metadata = isObject(object['metadata']) ? object['metadata'] : {};
  const owned = Object.fromEntries(Object.entries(metadata).filter(([key]) => !SERVER_METADATA.has(key)));
  if (subresource === 'status') return { metadata: owned, ...('status' in object ? { status: object['status'] } : {}) };
  const { apiVersion: _a, kind: _k, status: _s, metadata: _m, ...rest } = object;
  return { metadata: owned, ...rest };
}

function union(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [key, value] of Object.entries(b))
    out[key] = isObject(out[key]) && isObject(value) ? union(out[key], value) : value;
  return out;
}

/** `a` without the fields `b` owns (a node owned whole in `b` goes whole). */
function minus(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const [key, value] of Object.entries(a)) {
    const taken = b[key];
    if (taken === undefined) out[key] = value;
    else if (isObject(taken) && Object.keys(taken).length > 0 && isObject(value) && Object.keys(value).length > 0) {
      const left = minus(value, taken);
      if (Object.keys(left).length > 0) out[key] = left;
    }
  }
  return out;
}

export interface ManagedWrite {
  readonly manager: string;
  readonly operation: string;
  readonly apiVersion: string;
  readonly subresource: string | null;
  readonly before: Record<string, unknown>;
  readonly after: Record<string, unknown>;
  readonly time: string;
}

/** The managedFields after a write, from the object's current entries. */
export function managedFieldsAfter(entries: readonly Record<string, unknown>[], write: ManagedWrite): FieldSet[] {
  const part = (entry: Record<string, unknown>) => (entry['subresource'] as string | undefined) ?? null;
  const taken = setFields(ownable(write.before, write.subresource), ownable(write.after, write.subresource));
  const same = (entry: Record<string, unknown>) =>
    entry['manager'] === write.manager && entry['operation'] === write.operation && part(entry) === write.subresource;
  const out: FieldSet[] = [];
  for (const entry of entries) {
    if (same(entry)) continue;
    if (part(entry) !== write.subresource || !isObject(entry['fieldsV1'])) {
      out.push(entry);
      continue;
    }
    const left = minus(entry['fieldsV1'], taken);
    if (Object.keys(left).length > 0) out.push({ ...entry, fieldsV1: left });
  }
  const previous = entries.find(same);
  if (Object.keys(taken).length === 0) {
    if (previous) out.push(previous);
    return out;
  }
  out.push({
    manager: write.manager,
    operation: write.operation,
    apiVersion: write.apiVersion,
    time: write.time,
    fieldsType: 'FieldsV1',
    fieldsV1: union(isObject(previous?.['fieldsV1']) ? previous['fieldsV1'] : {}, taken),
    ...(write.subresource ? { subresource: write.subresource } : {}),
  });
  return out;
}
