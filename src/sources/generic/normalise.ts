// Generic change events → change records under `custom/<source>/`. Pure.
// Shape: {id, time, actor: {name, email?}, path, object} (object null deletes) or
// {id, time, actor, path, changes: {field: {oldValue, newValue}}} (Flir-style field patches).
import type { ChangeRecord, NormaliseResult, Trailers, Update } from '../../domain/change.ts';
import { isObject, setOwn } from '../../domain/json.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';
import { actorFromName, UNRESOLVED_ACTOR } from '../../normalise/identity.ts';
import { splitFieldPath } from '../../normalise/noise.ts';
import { customPath } from '../../normalise/paths.ts';
import { DEFAULT_SENSITIVE_KEY_SET, redactKeys, type Redact } from '../../normalise/redact.ts';
import { InvalidInputError } from '../../domain/errors.ts';

export interface GenericNormaliseOptions {
  /** The source name: the folder under `custom/`. */
  readonly source: string;
  readonly redact: Redact;
  readonly sensitiveKeys?: ReadonlySet<string>;
}

/** Accepts ISO-8601 strings (UTC when they name no zone) and epoch numbers (seconds below 1e11, else milliseconds). */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  return typeof value === 'string' ? parseUtcTimestamp(value) : undefined;
}

/** True when a value has the generic event shape (used for format detection). */
export function looksLikeGenericEvent(value: unknown): boolean {
  return isObject(value) && 'id' in value && 'path' in value && ('object' in value || 'changes' in value);
}

export function normaliseGenericEvent(input: unknown, options: GenericNormaliseOptions): NormaliseResult {
  if (!isObject(input)) return { kind: 'rejected', reason: 'generic event is not a JSON object' };
  const id = typeof input['id'] === 'number' ? String(input['id']) : input['id'];
  if (typeof id !== 'string' || id === '') return { kind: 'rejected', reason: 'generic event has no id' };
  const time = parseEventTime(input['time']);
  if (time === undefined) return { kind: 'rejected', reason: `generic event ${id} has no valid time` };
  if (typeof input['path'] !== 'string') return { kind: 'rejected', reason: `generic event ${id} has no path` };
  let path: string;
  try {
    path = customPath(options.source, input['path']);
  } catch (error) {
    if (error instanceof InvalidInputError)
      return { kind: 'rejected', reason: `generic event ${id}: ${error.message}` };
    throw error;
  }
  const actor = isObject(input['actor'])
    ? input['actor']
    : typeof input['actor'] === 'string'
      ? { name: input['actor'] }
      : {};
  const name = typeof actor['name'] === 'string' ? actor['name'] : '';
  let author = name ? actorFromName(name, `${options.source}.invalid`) : UNRESOLVED_ACTOR;
  if (name && typeof actor['email'] === 'string' && /^[^\s<>@]+@[^\s<>@]+$/.test(actor['email']))
    author = { name: author.name, email: actor['email'] };

  const redact = (value: unknown) =>
    redactKeys(value, options.sensitiveKeys ?? DEFAULT_SENSITIVE_KEY_SET, options.redact);
  let update: Update;
  let verb: string;
  if ('object' in input) {
    const object = input['object'];
    if (object === null) {
      update = { kind: 'delete' };
      verb = 'delete';
    } else if (isObject(object)) {
      update = { kind: 'put', doc: redact(object) as Record<string, unknown> };
      verb = 'update';
    } else return { kind: 'rejected', reason: `generic event ${id}: object must be a mapping or null` };
  } else {
    const changes = input['changes'];
    if (!isObject(changes) || Object.keys(changes).length === 0)
      return { kind: 'rejected', reason: `generic event ${id}: changes must be a non-empty mapping` };
    const fields: Record<string, unknown> = {};
    for (const [field, change] of Object.entries(changes)) {
      if (!isObject(change) || !('newValue' in change))
        return { kind: 'rejected', reason: `generic event ${id}: change ${field} has no newValue` };
      // `db.password` names the key `password`: hashed like a key of that name anywhere.
      const key = splitFieldPath(field).at(-1) as string;
      setOwn(fields, field, (redact({ [key]: change['newValue'] }) as Record<string, unknown>)[key]);
    }
    update = { kind: 'set-fields', fields, createIfMissing: true };
    verb = 'patch';
  }
  if (typeof input['verb'] === 'string' && input['verb'].trim() !== '') verb = input['verb'].trim();
  const trailers: Trailers = [
    ['Source', `generic/${options.source}`],
    ['Event-ID', id],
    ['Verb', verb],
    ['Attribution', name ? 'claimed' : 'unresolved'],
  ];
  const record: ChangeRecord = {
    eventId: id,
    branch: 'main',
    path,
    update,
    author,
    time,
    subject: `${verb} ${input['path'].replace(/^\/+/, '')}`,
    trailers,
    source: `generic/${options.source}`,
  };
  return { kind: 'changes', changes: [record] };
}
