// One time window of LookupEvents, every page: each request takes a token from the region's
// bucket (AWS allows 2 per second per account and region); the SDK's own retries stay on and
// a ThrottlingException that outlasts them is retried here with backoff, same NextToken.
import {
  LookupEventsCommand,
  type CloudTrailClient,
  type Event,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import type { Logger } from 'pino';
import { GitrailError } from '../../domain/errors.ts';
import { Backoff, sleep } from '../runtime/backoff.ts';
import type { TokenBucket } from '../runtime/token-bucket.ts';

/** A LookupEvents call that failed for good (credentials, permissions, bad parameters, or persistent throttling). */
export class CloudTrailPollError extends GitrailError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CLOUDTRAIL_POLL', message, { cause: options.cause, retryable: true });
  }
}

export interface LookupWindow {
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, inclusive. */
  readonly end: number;
  readonly readOnly: boolean;
}

const MAX_THROTTLED_RETRIES = 8;

function isThrottling(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ThrottlingException' || error.name === 'TooManyRequestsException');
}

/**
 * Every event of the window, newest first as CloudTrail pages them; null when the window
 * holds more than `maxEvents` (the caller reads a shorter window instead) or `signal` aborted.
 */
export async function lookupWindow(
  client: CloudTrailClient,
  bucket: TokenBucket,
  window: LookupWindow,
  signal: AbortSignal,
  log: Logger,
  maxEvents = Number.POSITIVE_INFINITY,
): Promise<Event[] | null> {
  const events: Event[] = [];
  const backoff = new Backoff({ initialMs: 1000, maxMs: 30_000 });
  const input: LookupEventsCommandInput = {
    StartTime: new Date(window.start),
    EndTime: new Date(window.end),
    MaxResults: 50,
    ...(window.readOnly ? {} : { LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] }),
  };
  let token: string | undefined;
  do {
    if (!(await bucket.take(signal))) return null;
    try {
      const page = await client.send(new LookupEventsCommand({ ...input, ...(token ? { NextToken: token } : {}) }), {
        abortSignal: signal,
      });
      events.push(...(page.Events ?? []));
      token = page.NextToken;
      backoff.reset();
      if (token && events.length >= maxEvents) return null;
    } catch (error) {
      if (signal.aborted) return null;
      if (isThrottling(error) && backoff.attempts < MAX_THROTTLED_RETRIES) {
        log.warn({ err: error, attempt: backoff.attempts + 1 }, 'LookupEvents throttled; backing off');
        await sleep(backoff.next(), signal);
        continue;
      }
      throw new CloudTrailPollError(
        `LookupEvents ${new Date(window.start).toISOString()}..${new Date(window.end).toISOString()}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        { cause: error },
      );
    }
  } while (token);
  return events;
}
