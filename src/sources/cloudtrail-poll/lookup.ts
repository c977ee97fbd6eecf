// One time window of LookupEvents, every page. The SDK makes one attempt per call (its own
// retries would bypass the rate limit); this module owns the retries: every attempt goes
// through the request pacer, and a throttled or transient failure is retried with backoff
// for the same page. A window is complete only once its last page was read: a page that
// still fails when the retries run out fails the window, so no checkpoint moves past it.
import {
  LookupEventsCommand,
  type CloudTrailClient,
  type Event,
  type LookupEventsCommandInput,
  type LookupEventsCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import type { Logger } from 'pino';
import { GitrailError } from '../../domain/errors.ts';
import { type AwsRetry, DEFAULT_AWS_RETRY, sendWithRetry } from '../runtime/aws-retry.ts';
import type { RequestPacer } from './request-pacer.ts';

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

/** How often one page is attempted, and the backoff between attempts. */
export type LookupRetry = AwsRetry;
export const DEFAULT_LOOKUP_RETRY: LookupRetry = DEFAULT_AWS_RETRY;

/** What reading a window gave: all its events, or why not (the caller reads a shorter window, or stops). */
export type WindowRead =
  | { readonly complete: true; readonly events: Event[] }
  | { readonly complete: false; readonly reason: 'too-many' | 'aborted' };

function describe(window: LookupWindow): string {
  return `${new Date(window.start).toISOString()}..${new Date(window.end).toISOString()}`;
}

/** One page, retried until it is read, the retries run out (thrown) or `signal` aborts (null). */
async function readPage(
  client: CloudTrailClient,
  pacer: RequestPacer,
  input: LookupEventsCommandInput,
  window: LookupWindow,
  signal: AbortSignal,
  log: Logger,
  retry: LookupRetry,
): Promise<LookupEventsCommandOutput | null> {
  return sendWithRetry(
    async () => {
      const sent = await pacer.run(signal, () => client.send(new LookupEventsCommand(input), { abortSignal: signal }));
      return sent.aborted ? null : sent.value;
    },
    {
      retry,
      signal,
      log,
      what: `LookupEvents ${describe(window)}`,
      context: { window: describe(window), page: input.NextToken ? 'next' : 'first' },
      fail: (message, cause) => new CloudTrailPollError(message, { cause }),
    },
  );
}

/**
 * Every event of the window, newest first as CloudTrail pages them; incomplete when the window
 * holds more than `maxEvents` or `signal` aborted. Throws CloudTrailPollError when a page
 * cannot be read.
 */
export async function lookupWindow(
  client: CloudTrailClient,
  pacer: RequestPacer,
  window: LookupWindow,
  signal: AbortSignal,
  log: Logger,
  options: { readonly maxEvents?: number; readonly retry?: LookupRetry } = {},
): Promise<WindowRead> {
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  const events: Event[] = [];
  const input: LookupEventsCommandInput = {
    StartTime: new Date(window.start),
    EndTime: new Date(window.end),
    MaxResults: 50,
    ...(window.readOnly ? {} : { LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] }),
  };
  let token: string | undefined;
  for (;;) {
    const page = await readPage(
      client,
      pacer,
      token ? { ...input, NextToken: token } : input,
      window,
      signal,
      log,
      options.retry ?? DEFAULT_LOOKUP_RETRY,
    );
    if (page === null) return { complete: false, reason: 'aborted' };
    events.push(...(page.Events ?? []));
    token = page.NextToken;
    if (!token) return { complete: true, events };
    if (events.length >= maxEvents) return { complete: false, reason: 'too-many' };
  }
}
