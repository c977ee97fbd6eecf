// A CloudTrail record (docs: cloudtrail-event-reference-record-contents) checked for the
// fields every later stage relies on, with the few derived values they share.
import { isObject } from '../../domain/json.ts';
import { utcTimestampText } from '../../domain/timestamp.ts';

export const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

export interface CloudTrailRecord {
  readonly raw: Record<string, unknown>;
  readonly eventID: string;
  readonly eventName: string;
  readonly eventSource: string;
  /** ISO 8601 (a zone-less time is taken as UTC and given a `Z`). */
  readonly eventTime: string;
  /** eventTime in epoch milliseconds. */
  readonly time: number;
  /** `eventSource` before `.amazonaws.com` (`iam`, `ec2`, `signin`). */
  readonly service: string;
  /** recipientAccountId, else userIdentity.accountId. */
  readonly account: string | undefined;
  readonly region: string | undefined;
  readonly userIdentity: Record<string, unknown>;
  readonly errorCode: string | undefined;
}

export type ReadResult =
  | { readonly ok: true; readonly record: CloudTrailRecord }
  | { readonly ok: false; readonly reason: string };

export function serviceOf(eventSource: string): string {
  return eventSource.replace(/\.amazonaws\.com$/, '');
}

/** The API operation: Lambda's event names carry a version suffix (`…20150331v2`). */
export function apiName(eventName: string): string {
  return eventName.replace(/20\d{6}(?:v\d+)?$/, '');
}

/**
 * The record's time as written. CloudTrail writes `2024-06-01T12:00:00Z`; some log pipelines
 * (Panther) rewrite it as `2024-06-01 12:00:00.000000000`, still UTC, since CloudTrail times
 * always are; Logstash's cloudtrail codec moves it to `@timestamp`
 * (logstash-plugins/logstash-codec-cloudtrail), as SIEM exports then carry it.
 */
export function rawEventTime(record: Record<string, unknown>): string | undefined {
  return str(record['eventTime']) ?? (record['eventTime'] === undefined ? str(record['@timestamp']) : undefined);
}

export function readRecord(input: unknown): ReadResult {
  if (!isObject(input)) return { ok: false, reason: 'CloudTrail record is not a JSON object' };
  for (const key of ['eventID', 'eventName', 'eventSource'] as const) {
    if (!str(input[key])) return { ok: false, reason: `CloudTrail record has no ${key}` };
  }
  const rawTime = rawEventTime(input);
  const eventTime = rawTime === undefined ? undefined : utcTimestampText(rawTime);
  if (eventTime === undefined) {
    return {
      ok: false,
      reason:
        `CloudTrail record has no valid ` +
        `eventTime${rawTime === undefined ? '' : ` (${JSON.stringify(rawTime)} is not an ISO 8601 time)`}`,
    };
  }
  const time = Date.parse(eventTime);
  const userIdentity = isObject(input['userIdentity']) ? input['userIdentity'] : {};
  const eventSource = str(input['eventSource']) as string;
  return {
    ok: true,
    record: {
      raw: input,
      eventID: str(input['eventID']) as string,
      eventName: str(input['eventName']) as string,
      eventSource,
      eventTime,
      time,
      service: serviceOf(eventSource),
      account: str(input['recipientAccountId']) ?? str(userIdentity['accountId']),
      region: str(input['awsRegion']),
      userIdentity,
      errorCode: str(input['errorCode']),
    },
  };
}
