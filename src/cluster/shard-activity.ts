// Retention in a shard repository (issue 11 in cluster mode): the shard's ledger writes activity
// in periods (retention.activity) and each retention rule's records on its own line, as one
// machine's does; the writer restores, tracks and pushes those lines like main and activity.
import type { ActivityLine } from '../ledger/activity-periods.ts';
import { lineName, type PeriodUnit } from '../ledger/periods.ts';
import { readRef } from '../ledger/refs.ts';

export interface ShardActivity {
  readonly period: PeriodUnit | null;
  readonly lines: readonly ActivityLine[];
}

/** The retention rules' lines, `activity-<rule>`, in rule order. */
export function lineBranches(activity: ShardActivity | undefined): string[] {
  return (activity?.lines ?? []).map((line) => lineName(line.rule));
}

/** The ledger options that write periods and lines; none without retention. */
export function activityOptions(activity: ShardActivity | undefined) {
  return activity ? { activityPeriod: activity.period, activityLines: activity.lines } : {};
}

/** The heads of `branches` as flushed (null for a branch without commits). */
export function readHeads(gitdir: string, branches: readonly string[]): Map<string, string | null> {
  return new Map(branches.map((branch) => [branch, readRef(gitdir, `refs/heads/${branch}`)] as const));
}
