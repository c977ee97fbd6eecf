// One run of a scheduled source at a time: a tick (or a caller) that comes while a run is in
// progress joins it instead of starting another. A failed run is reported, never thrown: the
// next scheduled run retries. Once the source stops, nothing starts and failures are expected.
import { sleep } from './backoff.ts';

export interface JoinedRun {
  /** Starts a run, or joins the one in progress; resolves when it has ended. */
  (): Promise<void>;
  /** Resolves when no run is in progress. */
  idle(): Promise<void>;
}

export function joinedRun(
  run: () => Promise<void>,
  options: { readonly signal: AbortSignal; readonly failed: (error: unknown) => void },
): JoinedRun {
  let running: Promise<void> | undefined;
  const start = (): Promise<void> => {
    if (options.signal.aborted) return Promise.resolve();
    running ??= run()
      .catch((error: unknown) => {
        if (!options.signal.aborted) options.failed(error);
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  return Object.assign(start, { idle: () => running ?? Promise.resolve() });
}

/** Runs `runs` now and then `intervalMs` after each run ends, until `signal` aborts; then waits for the last. */
export async function runEvery(runs: JoinedRun, intervalMs: number, signal: AbortSignal): Promise<void> {
  for (;;) {
    await runs();
    if (!(await sleep(intervalMs, signal))) break;
  }
  await runs.idle();
}
