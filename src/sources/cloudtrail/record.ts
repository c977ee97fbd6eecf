// A CloudTrail record (docs: cloudtrail-event-reference-record-contents) checked for the
// fields every later stage relies on, with the few derived values they share.

export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

export interface CloudTrailRecord {
  readonly raw: Record<string, unknown>;
  readonly eventID: string;
  readonly eventName: string;
  readonly eventSource: string;
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

// CloudTrail writes `2024-06-01T12:00:00Z`; anything without a zone would depend on the
// machine's time zone, so it is refused rather than guessed.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;

export type ReadResult = { readonly ok: true; readonly record: CloudTrailRecord } | { readonly ok: false; readonly reason: string };

export function serviceOf(eventSource: string): string {
  return eventSource.replace(/\.amazonaws\.com$/, '');
}

/** The API operation: Lambda's event names carry a version suffix (`…20150331v2`). */
export function apiName(eventName: string): string {
  return eventName.replace(/20\d{6}(?:v\d+)?$/, '');
}

export function readRecord(input: unknown): ReadResult {
  if (!isObject(input)) return { ok: false, reason: 'CloudTrail record is not a JSON object' };
  for (const key of ['eventID', 'eventName', 'eventSource'] as const) {
    if (!str(input[key])) return { ok: false, reason: `CloudTrail record has no ${key}` };
  }
  const eventTime = str(input['eventTime']);
  const time = eventTime !== undefined && ISO_TIME.test(eventTime) ? Date.parse(eventTime) : Number.NaN;
  if (eventTime === undefined || Number.isNaN(time)) {
    return { ok: false, reason: `CloudTrail record has no valid eventTime${eventTime === undefined ? '' : ` (${JSON.stringify(eventTime)} is not an ISO 8601 time with a zone)`}` };
  }
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
