// The daemon's stop: the first call runs the shutdown sequence, bounded by a timeout; every call
// (and `stopped`) resolves with the exit code, 1 when shutdown timed out or failed.
import type { Logger } from 'pino';

export interface StopOnce {
  /** The reason of the first stop; null while running. */
  stopping(): string | null;
  stop(reason: string, code?: number): Promise<number>;
  readonly stopped: Promise<number>;
}

/** What `work` resolves with, or 'timeout' when it takes longer than `ms`. */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let handle: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    handle = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(handle));
}

export function stopOnce(
  shutdown: (reason: string, code: number) => Promise<number>,
  options: { readonly timeoutMs: number; readonly log: Logger },
): StopOnce {
  const { log, timeoutMs } = options;
  let stopping: string | null = null;
  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });
  const stop = (reason: string, code = 0): Promise<number> => {
    if (stopping === null) {
      stopping = reason;
      void withTimeout(shutdown(reason, code), timeoutMs)
        .then((outcome) => {
          if (outcome === 'timeout')
            log.warn({ timeoutMs }, 'shutdown timed out; the journal keeps what was not committed');
          resolveStopped(outcome === 'timeout' ? 1 : outcome);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          resolveStopped(1);
        });
    }
    return stopped;
  };
  return { stopping: () => stopping, stop, stopped };
}
