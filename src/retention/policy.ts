// Which closed activity periods retention removes (issue 11), a pure decision: a period goes
// once its end is further back than its line's retention, and never the one being written.
// A retention rule's line (`<rule>/<period>`) goes by the rule's `keep`; the default line, and
// the line of a rule no longer configured, by `retention.activity`.
import { formatDuration } from '../domain/duration.ts';
import { periodEnd, splitPeriodKey, type PeriodHead, type RemovedPeriod } from '../ledger/periods.ts';

export interface RetentionPolicy {
  /** How long a closed activity period is kept after it ends, ms; null keeps everything. */
  readonly activity: number | null;
  /** Per-source rules: rule name → how long its line's closed periods are kept, ms. */
  readonly rules?: ReadonlyMap<string, number>;
}

/** How long a closed period of the line of `rule` (null: `activity`) is kept; null: for ever. */
export function keepOf(rule: string | null, policy: RetentionPolicy): number | null {
  return (rule === null ? undefined : policy.rules?.get(rule)) ?? policy.activity;
}

export function expiredPeriods(archived: readonly PeriodHead[], now: number, policy: RetentionPolicy): RemovedPeriod[] {
  const removed: RemovedPeriod[] = [];
  for (const archive of archived) {
    const keep = keepOf(splitPeriodKey(archive.period).rule, policy);
    if (keep !== null && periodEnd(archive.period) + keep <= now)
      removed.push({ ...archive, retention: formatDuration(keep) });
  }
  return removed;
}
