// Per-source retention rules (issue 11): each rule takes the activity records it matches
// (globs on the `Source:` and `Activity:` trailers and on the path) to its own activity line,
// `activity-<rule>`, written in its own periods, so its closed periods can go on their own
// schedule (Kubernetes Events after 30 days while denied requests stay 400) without any kept
// history being rewritten.
import type { ChangeRecord } from '../domain/change.ts';
import type { ActivityLine } from '../ledger/activity-periods.ts';
import type { PeriodUnit } from '../ledger/periods.ts';
import { compilePathGlobs, compileTextGlobs } from '../policy/glob.ts';

export interface RetentionRuleSpec {
  readonly name: string;
  readonly match: { readonly source?: string; readonly activity?: string; readonly path?: string };
  /** ms */
  readonly keep: number;
  readonly period?: PeriodUnit;
}

function trailer(record: ChangeRecord, key: string): string | null {
  return record.trailers.find(([name]) => name === key)?.[1] ?? null;
}

/** The lines the ledger writes beside `activity`, in rule order (the first rule that matches takes a record). */
export function activityLines(rules: readonly RetentionRuleSpec[], defaultPeriod: PeriodUnit): ActivityLine[] {
  return rules.map((rule) => {
    const source = rule.match.source === undefined ? null : compileTextGlobs([rule.match.source]);
    const activity = rule.match.activity === undefined ? null : compileTextGlobs([rule.match.activity]);
    const path = rule.match.path === undefined ? null : compilePathGlobs([rule.match.path]);
    return {
      rule: rule.name,
      period: rule.period ?? defaultPeriod,
      matches: (record) =>
        (source === null || source(trailer(record, 'Source') ?? record.source)) &&
        (activity === null || activity(trailer(record, 'Activity'))) &&
        (path === null || path(record.path)),
    };
  });
}
