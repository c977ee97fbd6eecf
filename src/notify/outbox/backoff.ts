// When to try a failed delivery again: exponential backoff with jitter (half to full of
// initial·2^(attempt-1), capped), unless the receiver said when (Retry-After), which wins. Pure.

export interface BackoffOptions {
  readonly initialBackoff: number;
  readonly maxBackoff: number;
}

export function retryDelay(
  attempt: number,
  options: BackoffOptions,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== null) return Math.max(0, retryAfterMs);
  const ceiling = Math.min(options.maxBackoff, options.initialBackoff * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
