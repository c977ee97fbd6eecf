// Posting to a chat or webhook receiver: fetch with a timeout, the response classified into
// success or a DeliveryError (retry 408/429/5xx and network errors, honour Retry-After, give
// up on other 4xx). Error messages name the channel and status, never the (secret) URL.
import { DeliveryError } from './notifier.ts';

export interface PostOptions {
  readonly channel: string;
  readonly url: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Statuses that mean "delivered" (Slack 200, Teams 202, Discord 204). */
  readonly accept: (status: number) => boolean;
}

export interface PostResult {
  readonly status: number;
  readonly text: string;
}

/** Retry-After as seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export async function postToReceiver(
  options: PostOptions,
  retryAfterFromBody?: (text: string) => number | null,
): Promise<PostResult> {
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: options.body,
      redirect: 'error',
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
  } catch (cause) {
    const reason =
      cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    // Webhook URLs are secrets; some fetch errors quote the URL.
    throw new DeliveryError(`${options.channel}: request failed: ${reason.replaceAll(options.url, '<url>')}`, {
      retryable: !options.signal.aborted,
    });
  }
  const text = await response.text().catch(() => '');
  if (options.accept(response.status)) return { status: response.status, text };
  const retryAfterMs =
    parseRetryAfter(response.headers.get('retry-after')) ?? (retryAfterFromBody ? retryAfterFromBody(text) : null);
  throw new DeliveryError(`${options.channel}: HTTP ${response.status}${text ? `: ${snippet(text)}` : ''}`, {
    retryable: isRetryableStatus(response.status),
    status: response.status,
    retryAfterMs,
  });
}
