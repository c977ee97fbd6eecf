// The contract of a configuration reducer and the small pure helpers they share. A reducer
// folds one call into a resource's `configuration:` section; lists are kept sorted and
// empty sections removed, so undoing a change gives back the same text.
import type { CloudTrailCall } from '../../../domain/change.ts';
import { isObject, nonEmptyString, setOwn } from '../../../domain/json.ts';

export type Configuration = Readonly<Record<string, unknown>>;

export interface DecodedCall {
  /** The API operation (Lambda's version suffix removed). */
  readonly api: string;
  /** requestParameters and responseElements with policy documents decoded; {} when null. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly response: Readonly<Record<string, unknown>>;
  readonly call: CloudTrailCall;
}

export type ConfigurationReducer = (configuration: Configuration, call: DecodedCall) => Configuration;

/** The value when it is a JSON object, else an empty one. */
export const record = (value: unknown): Record<string, unknown> => (isObject(value) ? value : {});

export const text = nonEmptyString;

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** A copy with `key` set, or removed when the value is undefined, null or empty. */
export function withKey(configuration: Configuration, key: string, value: unknown): Configuration {
  const out: Record<string, unknown> = { ...configuration };
  if (isEmpty(value)) delete out[key];
  else setOwn(out, key, value);
  return out;
}

/** Sets every defined value of `values` (keys that are absent or undefined are left alone). */
export function withKeys(configuration: Configuration, values: Readonly<Record<string, unknown>>): Configuration {
  let out = configuration;
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out = withKey(out, key, value);
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A sorted list without duplicates. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compare);
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** A map with `key` set to `value`, or removed when value is undefined. */
export function withEntry(map: unknown, key: string, value: unknown): Record<string, unknown> {
  const out = { ...record(map) };
  if (value === undefined) delete out[key];
  else setOwn(out, key, value);
  return out;
}

/** Tags from `[{key, value}]` in any of AWS's spellings (`Key`, `tagKey`, `TagKey`). */
export function tagMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    const tag = record(item);
    const key = tag['key'] ?? tag['Key'] ?? tag['tagKey'] ?? tag['TagKey'];
    const value = tag['value'] ?? tag['Value'] ?? tag['tagValue'] ?? tag['TagValue'];
    if (typeof key === 'string') setOwn(out, key, typeof value === 'string' ? value : '');
  }
  return out;
}

/** Tags after adding `added` and removing `removedKeys`. */
export function updateTags(
  current: unknown,
  added: Readonly<Record<string, string>>,
  removedKeys: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = { ...(record(current) as Record<string, string>), ...added };
  for (const key of removedKeys) delete out[key];
  return out;
}

/** Removes XML namespace attributes that S3 requests carry (`xmlns`, `xmlns:xsi`). */
export function withoutXmlns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutXmlns);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('xmlns'))
      .map(([key, item]) => [key, withoutXmlns(item)]),
  );
}
