// LookupEvents of the fake CloudTrail endpoint: the 90-day window, at most one lookup attribute,
// newest first, pages of MaxResults with a NextToken bound to the parameters it was issued for,
// and events that become visible late. Answers as the awsJson1_1 protocol does, errors included.

export interface FakeLookupEvent {
  readonly EventId: string;
  readonly EventName: string;
  readonly ReadOnly: 'true' | 'false';
  readonly EventTime: number;
  readonly EventSource: string;
  readonly Username?: string;
  readonly Resources: ReadonlyArray<{ ResourceType: string; ResourceName: string }>;
  readonly CloudTrailEvent: string;
}

export interface StoredEvent {
  readonly region: string;
  readonly event: FakeLookupEvent;
  /** Epoch ms from which LookupEvents returns it (CloudTrail delivers minutes late). */
  visibleAt: number;
}

/** A status and the JSON body to answer with. */
export interface AwsReply {
  readonly status: number;
  readonly body: unknown;
}

const RETENTION_MS = 90 * 86_400_000;

const error400 = (body: { __type: string; message: string }): AwsReply => ({ status: 400, body });

export function lookupEvents(
  events: readonly StoredEvent[],
  region: string,
  body: Record<string, unknown>,
  now: number,
): AwsReply {
  const start = typeof body['StartTime'] === 'number' ? body['StartTime'] * 1000 : now - RETENTION_MS;
  const end = typeof body['EndTime'] === 'number' ? body['EndTime'] * 1000 : now;
  if (start > end)
    return error400({
      __type: 'InvalidTimeRangeException',
      message: 'Start time must not be after end time.',
    });
  if (start < now - RETENTION_MS - 60_000)
    return error400({
      __type: 'InvalidTimeRangeException',
      message: 'Start time is outside the 90 days of event history.',
    });
  const max = typeof body['MaxResults'] === 'number' ? body['MaxResults'] : 50;
  if (max < 1 || max > 50)
    return error400({ __type: 'InvalidMaxResultsException', message: 'MaxResults must be between 1 and 50.' });
  const attributes = Array.isArray(body['LookupAttributes'])
    ? (body['LookupAttributes'] as Array<{ AttributeKey: string; AttributeValue: string }>)
    : [];
  if (attributes.length > 1)
    return error400({
      __type: 'InvalidLookupAttributesException',
      message: 'Only one lookup attribute is allowed.',
    });
  const params = JSON.stringify({ region, start, end, attributes });
  let offset = 0;
  if (typeof body['NextToken'] === 'string') {
    const token = JSON.parse(Buffer.from(body['NextToken'], 'base64').toString('utf8')) as {
      params: string;
      offset: number;
    };
    if (token.params !== params)
      return error400({
        __type: 'InvalidNextTokenException',
        message: 'The token was issued for different parameters.',
      });
    offset = token.offset;
  }
  const attribute = attributes[0];
  const matches = events
    .filter((stored) => stored.region === region && stored.visibleAt <= now)
    .map((stored) => stored.event)
    .filter(
      (event) =>
        event.EventTime * 1000 >= start &&
        event.EventTime * 1000 <= end &&
        event.EventTime * 1000 >= now - RETENTION_MS,
    )
    .filter((event) => !attribute || matchesAttribute(event, attribute.AttributeKey, attribute.AttributeValue))
    .sort((a, b) => b.EventTime - a.EventTime || b.EventId.localeCompare(a.EventId));
  const page = matches.slice(offset, offset + max);
  const next =
    offset + max < matches.length
      ? Buffer.from(JSON.stringify({ params, offset: offset + max })).toString('base64')
      : undefined;
  return { status: 200, body: { Events: page, ...(next ? { NextToken: next } : {}) } };
}

function matchesAttribute(event: FakeLookupEvent, key: string, value: string): boolean {
  switch (key) {
    case 'ReadOnly':
      return event.ReadOnly === value;
    case 'EventName':
      return event.EventName === value;
    case 'EventSource':
      return event.EventSource === value;
    case 'EventId':
      return event.EventId === value;
    case 'Username':
      return event.Username === value;
    case 'ResourceType':
      return event.Resources.some((r) => r.ResourceType === value);
    case 'ResourceName':
      return event.Resources.some((r) => r.ResourceName === value);
    default:
      return false;
  }
}
