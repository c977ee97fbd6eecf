// node-cron 4 schedules for live sources: a task created stopped and started explicitly
// (v4 has no `scheduled`/`runOnInit`), never overlapping itself, logging through pino, and
// destroyed when the source stops; `stop()` in node-cron does not wait, so runs are tracked.
import cron from 'node-cron';
import type { Logger } from 'pino';
import { errorText } from './health.ts';

export interface Schedule {
  /** Resolves when the run in progress (if any) has finished. */
  idle(): Promise<void>;
}

export function isCronExpression(expression: string): boolean {
  return cron.validate(expression);
}

export function startSchedule(
  expression: string,
  run: () => Promise<void>,
  options: { name: string; log: Logger; signal: AbortSignal },
): Schedule {
  const { log, signal } = options;
  let running: Promise<void> = Promise.resolve();
  const task = cron.createTask(
    expression,
    () => {
      running = run().catch((error: unknown) =>
        log.error({ err: error, schedule: options.name }, 'scheduled run failed'),
      );
      return running;
    },
    {
      name: options.name,
      noOverlap: true,
      logger: {
        info: (message) => log.debug({ schedule: options.name, cron: message }, 'cron'),
        warn: (message) => log.debug({ schedule: options.name, cron: message }, 'cron'),
        error: (message) => log.warn({ schedule: options.name, cron: errorText(message) }, 'cron error'),
        debug: () => undefined,
      },
    },
  );
  task.on('execution:overlap', () =>
    log.info({ schedule: options.name }, 'previous scheduled run still in progress; tick skipped'),
  );
  if (signal.aborted) void task.destroy();
  else {
    void task.start();
    signal.addEventListener('abort', () => void task.destroy(), { once: true });
  }
  return { idle: () => running };
}

/** Runs `run` now and then on the schedule until `signal` aborts; resolves when no run is left in progress. */
export async function runScheduled(
  expression: string,
  run: () => Promise<void>,
  options: { name: string; log: Logger; signal: AbortSignal },
): Promise<void> {
  const schedule = startSchedule(expression, run, options);
  // node-cron 4 has no run-on-start: the first run happens here, the schedule does the rest.
  await run();
  const { signal } = options;
  if (!signal.aborted)
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await schedule.idle();
}
