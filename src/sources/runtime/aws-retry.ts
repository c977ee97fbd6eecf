// Retrying one AWS request of a polling source: which failures are worth another attempt, and the
// loop that backs off between attempts until the request succeeds, the attempts run out (the
// caller's error is thrown) or the signal aborts (null). Shared by every AWS poller.
import type { Logger } from 'pino';
import { Backoff, sleep } from './backoff.ts';

/** How often one request is attempted, and the backoff between attempts. */
export interface AwsRetry {
  readonly attempts: number;
  readonly initialMs: number;
  readonly maxMs: number;
}

/** About a minute and a half of backoff per request before a poll gives up (the next poll starts over). */
export const DEFAULT_AWS_RETRY: AwsRetry = { attempts: 8, initialMs: 1000, maxMs: 30_000 };

const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'RequestLimitExceeded',
  'LimitExceededException',
  'SlowDown',
]);
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailableException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

/** Throttling, a 5xx answer, a timeout or a dropped connection: worth another attempt. */
export function isRetryableAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    THROTTLING.has(error.name) ||
    TRANSIENT_NAMES.has(error.name) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    (code !== undefined && NETWORK_CODES.has(code))
  );
}

export interface RetryOptions {
  readonly retry: AwsRetry;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The request as problems name it: `LookupEvents 2026-…..2026-…`. */
  readonly what: string;
  /** Logged with each retry (the window, which page). */
  readonly context: Readonly<Record<string, unknown>>;
  /** The error thrown once the request failed for good. */
  readonly fail: (message: string, cause: unknown) => Error;
}

/** `send` answers null when the signal aborted while it waited (a pacer); so does this. */
export async function sendWithRetry<T>(send: () => Promise<T | null>, options: RetryOptions): Promise<T | null> {
  const { retry, signal, log } = options;
  const backoff = new Backoff({ initialMs: retry.initialMs, maxMs: retry.maxMs });
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (signal.aborted) return null;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (!isRetryableAwsError(error) || attempt >= retry.attempts) {
        const tries = attempt === 1 ? '' : ` (gave up after ${attempt} attempts)`;
        throw options.fail(`${options.what}: ${reason}${tries}`, error);
      }
      const delayMs = backoff.next();
      log.warn({ err: error, attempt, delayMs, ...options.context }, `${options.what.split(' ')[0]} failed; retrying`);
      if (!(await sleep(delayMs, signal))) return null;
    }
  }
}
