// CloudTrail input shapes → records, each with its own error: S3 delivery files
// (`{"Records":[…]}`), a record, an array, LookupEvents responses and items (the record is
// the JSON string `CloudTrailEvent`) and EventBridge envelopes (`{"detail-type", "detail"}`).
// Digest files are CloudTrail's but hold no records. Decompression and folders are the caller's.
import { isObject, jsonSyntaxReason } from '../../domain/json.ts';
import { parseUtcTimestamp } from '../../domain/timestamp.ts';
import { rawEventTime } from './record.ts';

export type ExtractedRecord = { readonly record: Record<string, unknown> } | { readonly error: string };

const RECORD_KEYS = ['eventID', 'eventName', 'eventSource', 'eventTime', 'eventVersion', 'userIdentity'] as const;

function isDigest(value: Record<string, unknown>): boolean {
  return 'digestStartTime' in value && 'digestEndTime' in value;
}

function isLookupItem(value: Record<string, unknown>): boolean {
  return 'CloudTrailEvent' in value;
}

function isEventBridge(value: Record<string, unknown>): boolean {
  return typeof value['detail-type'] === 'string' && 'detail' in value;
}

function isRecordLike(value: Record<string, unknown>): boolean {
  return RECORD_KEYS.some((key) => key in value);
}

/** S3, SNS and SQS notifications also come as `{"Records":[…]}`, with `eventSource: "aws:s3"`. */
function isServiceNotification(value: Record<string, unknown>): boolean {
  return typeof value['eventSource'] === 'string' && value['eventSource'].startsWith('aws:');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, error: jsonSyntaxReason(error) };
    throw error;
  }
}

function fromLookupItem(item: Record<string, unknown>, where: string): ExtractedRecord {
  const event = item['CloudTrailEvent'];
  if (isObject(event)) return { record: event };
  if (typeof event !== 'string') return { error: `${where}.CloudTrailEvent is not a JSON string` };
  const parsed = parseJson(event);
  if (!parsed.ok) return { error: `${where}.CloudTrailEvent is not valid JSON: ${parsed.error}` };
  return isObject(parsed.value) ? { record: parsed.value } : { error: `${where}.CloudTrailEvent is not a JSON object` };
}

function fromItem(item: unknown, where: string): ExtractedRecord[] {
  if (!isObject(item)) return [{ error: `${where} is not a JSON object` }];
  if (isDigest(item)) return [];
  if (isLookupItem(item)) return [fromLookupItem(item, where)];
  if (isEventBridge(item)) {
    const detail = item['detail'];
    if (isObject(detail) && isRecordLike(detail)) return [{ record: detail }];
    return [
      {
        error:
          `${where} is an EventBridge event (${String(item['detail-type'])}) without a CloudTrail record in ` +
          `detail`,
      },
    ];
  }
  if (isServiceNotification(item))
    return [{ error: `${where} is a ${String(item['eventSource'])} notification, not a CloudTrail record` }];
  if (isRecordLike(item)) return [{ record: item }];
  return [{ error: `${where} is not a CloudTrail record (no eventID, eventName or eventSource)` }];
}

/** Every record in a parsed document, in order; an entry that is not one carries its error. */
export function extractCloudTrailRecords(value: unknown): ExtractedRecord[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => fromItem(item, `[${index}]`));
  if (!isObject(value)) return [{ error: 'CloudTrail input is not a JSON object or array' }];
  for (const key of ['Records', 'Events'] as const) {
    if (!(key in value)) continue;
    const items = value[key];
    if (!Array.isArray(items)) return [{ error: `${key} is not an array` }];
    return items.flatMap((item, index) => fromItem(item, `${key}[${index}]`));
  }
  return fromItem(value, 'input');
}

function eventTime(entry: ExtractedRecord): number {
  const text = 'record' in entry ? rawEventTime(entry.record) : undefined;
  return (text === undefined ? undefined : parseUtcTimestamp(text)) ?? 0;
}

/**
 * Extracted entries with their index, oldest `eventTime` first (a delivery file holds records
 * in no particular order); entries without a readable time (errors too) count as 0, and equal
 * times keep their order.
 */
export function sortByEventTime<T extends ExtractedRecord>(entries: readonly T[]): Array<[number, T]> {
  return [...entries.entries()].sort(([a, x], [b, y]) => eventTime(x) - eventTime(y) || a - b);
}

/**
 * Records in a text: one JSON document, or one per line (NDJSON, as CloudTrail Lake and
 * Firehose deliveries write them), each line with its own error.
 */
export function parseCloudTrailText(text: string): ExtractedRecord[] {
  const whole = parseJson(text);
  if (whole.ok) return extractCloudTrailRecords(whole.value);
  const lines = text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '');
  if (lines.length < 2) return [{ error: `CloudTrail input is not valid JSON: ${whole.error}` }];
  return lines.flatMap(({ line, number }) => {
    const parsed = parseJson(line);
    if (!parsed.ok) return [{ error: `line ${number} is not valid JSON: ${parsed.error}` }];
    return extractCloudTrailRecords(parsed.value).map((entry) =>
      'error' in entry ? { error: `line ${number}: ${entry.error}` } : entry,
    );
  });
}

function isCloudTrailRecord(value: unknown): boolean {
  if (!isObject(value)) return false;
  const source = value['eventSource'];
  return (
    typeof source === 'string' && source.endsWith('.amazonaws.com') && ('eventName' in value || 'eventID' in value)
  );
}

/** Whether a parsed document is in one of CloudTrail's shapes (used to detect the format). */
export function looksLikeCloudTrail(value: unknown): boolean {
  const first = (items: unknown): unknown => (Array.isArray(items) ? items[0] : undefined);
  if (Array.isArray(value)) return value.length > 0 && looksLikeCloudTrail(value[0]);
  if (!isObject(value)) return false;
  if (isDigest(value) && 'awsAccountId' in value) return true;
  if (Array.isArray(value['Records'])) {
    // An empty delivery file has nothing else; S3/SNS notifications are never empty.
    return value['Records'].length === 0
      ? Object.keys(value).length === 1
      : isCloudTrailRecord(first(value['Records']));
  }
  if (Array.isArray(value['Events'])) {
    const item = first(value['Events']);
    return isObject(item) && isLookupItem(item);
  }
  if (isLookupItem(value)) return 'EventId' in value || 'EventName' in value;
  if (isEventBridge(value))
    return /via CloudTrail/i.test(String(value['detail-type'])) || isCloudTrailRecord(value['detail']);
  return isCloudTrailRecord(value);
}
