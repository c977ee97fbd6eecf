// Which closed activity periods retention removes (issue 11), a pure decision: a period goes
// once its end is further back than the retention, and never the one being written.
import { formatDuration } from '../domain/duration.ts';
import { periodEnd, type PeriodHead, type RemovedPeriod } from '../ledger/periods.ts';

export interface RetentionPolicy {
  /** How long a closed activity period is kept after it ends, ms; null keeps everything. */
  readonly activity: number | null;
}

export function expiredPeriods(archived: readonly PeriodHead[], now: number, policy: RetentionPolicy): RemovedPeriod[] {
  const keep = policy.activity;
  if (keep === null) return [];
  return archived
    .filter((archive) => periodEnd(archive.period) + keep <= now)
    .map((archive) => ({ ...archive, retention: formatDuration(keep) }));
}
