// One time window of FilterLogEvents over a cluster's audit streams, every page, each handed to
// `onPage` as it arrives (a busy cluster's window does not fit in memory). The SDK makes one
// attempt per call; this module owns the retries: every attempt waits for the request rate, and
// a throttled or transient failure is retried with backoff for the same page (same nextToken).
// A window is complete only once its last page was read; a page that still fails when the
// retries run out fails the window, so no checkpoint moves past it.
import {
  FilterLogEventsCommand,
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  type FilterLogEventsCommandInput,
  type FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Logger } from 'pino';
import { GitrailError } from '../../domain/errors.ts';
import { type AwsRetry, DEFAULT_AWS_RETRY, sendWithRetry } from '../runtime/aws-retry.ts';
import type { TokenBucket } from '../runtime/token-bucket.ts';

/** The streams of the apiserver's audit log (the group also holds authenticator, scheduler, … logs). */
export const AUDIT_STREAM_PREFIX = 'kube-apiserver-audit';

/** A FilterLogEvents call that failed for good (credentials, permissions, no such group, persistent throttling). */
export class EksAuditPollError extends GitrailError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('EKS_AUDIT_POLL', message, { cause: options.cause, retryable: true });
  }
}

/** How often one page is attempted, and the backoff between attempts. */
export type FilterRetry = AwsRetry;
export const DEFAULT_FILTER_RETRY: FilterRetry = DEFAULT_AWS_RETRY;

export interface FilterWindow {
  readonly logGroupName: string;
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, inclusive. */
  readonly end: number;
  /** A CloudWatch Logs filter pattern the service applies, when configured. */
  readonly filterPattern?: string;
}

function describe(window: FilterWindow): string {
  return `${window.logGroupName} ${new Date(window.start).toISOString()}..${new Date(window.end).toISOString()}`;
}

/** One page, retried until it is read, the retries run out (thrown) or `signal` aborts (null). */
async function readPage(
  client: CloudWatchLogsClient,
  rate: TokenBucket,
  input: FilterLogEventsCommandInput,
  window: FilterWindow,
  options: { readonly signal: AbortSignal; readonly log: Logger; readonly retry?: FilterRetry },
): Promise<FilterLogEventsCommandOutput | null> {
  const { signal, log } = options;
  const retry = options.retry ?? DEFAULT_FILTER_RETRY;
  return sendWithRetry(
    async () =>
      (await rate.take(signal)) ? await client.send(new FilterLogEventsCommand(input), { abortSignal: signal }) : null,
    {
      retry,
      signal,
      log,
      what: `FilterLogEvents ${describe(window)}`,
      context: { window: describe(window), page: input.nextToken ? 'next' : 'first' },
      fail: (message, cause) => new EksAuditPollError(message, { cause }),
    },
  );
}

/**
 * Reads every page of the window (following nextToken, through empty pages too) into `onPage`.
 * Resolves true once the last page was handled, false when `signal` aborted; throws
 * EksAuditPollError when a page cannot be read.
 */
export async function filterWindow(
  client: CloudWatchLogsClient,
  rate: TokenBucket,
  window: FilterWindow,
  onPage: (events: readonly FilteredLogEvent[]) => Promise<void>,
  options: { readonly signal: AbortSignal; readonly log: Logger; readonly retry?: FilterRetry },
): Promise<boolean> {
  const input: FilterLogEventsCommandInput = {
    logGroupName: window.logGroupName,
    logStreamNamePrefix: AUDIT_STREAM_PREFIX,
    startTime: window.start,
    endTime: window.end,
    ...(window.filterPattern ? { filterPattern: window.filterPattern } : {}),
  };
  let token: string | undefined;
  do {
    const page = await readPage(client, rate, token ? { ...input, nextToken: token } : input, window, options);
    if (page === null) return false;
    // Outside the retries: a page is handed on once, whatever happens to it there.
    await onPage(page.events ?? []);
    token = page.nextToken;
  } while (token);
  return true;
}
