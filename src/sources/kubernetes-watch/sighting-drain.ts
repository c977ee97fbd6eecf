// The consuming end of the delay queue: due sightings become change records and go to the
// journal, retried with backoff until it takes them. A reconcile first waits until what came
// before it is committed, so deletions are judged against a repository that holds it.
import type { ChangeRecord } from '../../domain/change.ts';
import { Backoff, sleep, type BackoffOptions } from '../runtime/backoff.ts';
import type { HealthBoard } from '../runtime/health.ts';
import type { SourceContext } from '../source.ts';
import type { DelayQueue } from './delay-queue.ts';
import type { Sighting, SightingRecorder } from './sightings.ts';

export interface SightingDrain {
  /** The journal source name (`kubernetes/<cluster>`). */
  readonly source: string;
  readonly queue: DelayQueue<Sighting>;
  readonly recorder: SightingRecorder;
  readonly health: HealthBoard;
  readonly now: () => number;
  readonly backoff?: BackoffOptions;
  /** Called after every batch taken off the queue. */
  readonly acknowledged: () => void;
}

/** Drains the queue until the source stops. */
export async function drainSightings(ctx: SourceContext, drain: SightingDrain): Promise<void> {
  const { queue, recorder } = drain;
  while (!ctx.signal.aborted) {
    const due = await queue.takeDue(500, ctx.signal);
    if (due.length === 0) continue;
    try {
      let changes: ChangeRecord[] = [];
      for (const sighting of due) {
        if (sighting.kind === 'reconcile') {
          await submitChanges(ctx, drain, changes);
          changes = [];
          await ctx.committed();
        }
        changes.push(...recorder.record(sighting));
      }
      await submitChanges(ctx, drain, changes);
    } finally {
      queue.acknowledge(due.length);
      drain.acknowledged();
    }
  }
}

/** Submits until the journal takes the batch (retrying with backoff); counts ride along. */
async function submitChanges(
  ctx: SourceContext,
  drain: SightingDrain,
  changes: readonly ChangeRecord[],
): Promise<void> {
  if (changes.length === 0) return;
  const backoff = new Backoff(drain.backoff);
  const counts = drain.recorder.takeCounts();
  for (;;) {
    try {
      await ctx.submit({ source: drain.source, receivedAt: drain.now(), changes, facts: [], ...counts });
      drain.health.ok('journal');
      return;
    } catch (error) {
      drain.health.fail('journal', error);
      ctx.log.error({ err: error }, 'submitting watched changes failed; retrying');
      if (!(await sleep(backoff.next(), ctx.signal))) return;
    }
  }
}
