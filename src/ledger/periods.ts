// Activity is written in periods (issue 11): each calendar period (UTC, by the time a commit is
// written) is one chain of commits. When a period ends, its head is kept as
// `refs/archive/activity/<period>` and `activity` starts again from a root commit whose
// `Previous-Period:` trailer names the closed period and its head, so a whole period can later
// be dropped by retention without rewriting anything that stays.

export type PeriodUnit = 'month' | 'day';

export interface PeriodHead {
  readonly period: string;
  readonly head: string;
}

export interface RemovedPeriod extends PeriodHead {
  /** The retention that removed it, e.g. `400d`. */
  readonly retention: string;
}

export const ARCHIVE_PREFIX = 'refs/archive/activity/';
export const PREVIOUS_PERIOD_TRAILER = 'Previous-Period';

/** `2025-01` (month) or `2025-01-31` (day). */
export function periodOf(time: number, unit: PeriodUnit): string {
  const iso = new Date(time).toISOString();
  return unit === 'month' ? iso.slice(0, 7) : iso.slice(0, 10);
}

export function isPeriodName(name: string): boolean {
  return /^\d{4}-\d{2}(-\d{2})?$/.test(name);
}

/** Epoch ms at which the period ends (the start of the next one). */
export function periodEnd(period: string): number {
  const [year, month, day] = period.split('-').map(Number) as [number, number, number | undefined];
  return day === undefined ? Date.UTC(year, month, 1) : Date.UTC(year, month - 1, day + 1);
}

export function archiveRef(period: string): string {
  return `${ARCHIVE_PREFIX}${period}`;
}

/** The trailer value on a period's root commit: `<period> <head>`. */
export function formatPreviousPeriod(period: string, head: string): string {
  return `${period} ${head}`;
}

export function parsePreviousPeriod(value: string): { period: string; head: string } | null {
  const match = /^(\S+) ([0-9a-f]{40})$/.exec(value.trim());
  return match && isPeriodName(match[1] as string) ? { period: match[1] as string, head: match[2] as string } : null;
}
