// Activity is written in periods (issue 11): each calendar period (UTC, by the time a commit is
// written) is one chain of commits. When a period ends, its head is kept as
// `refs/archive/activity/<period>` and `activity` starts again from a root commit whose
// `Previous-Period:` trailer names the closed period and its head, so a whole period can later
// be dropped by retention without rewriting anything that stays.
//
// Per-source retention rules write their activity to lines of their own, `activity-<rule>`
// (`refs/heads/activity-<rule>`, archived as `refs/archive/activity-<rule>/<period>`), each with
// its own periods, so a high-volume source goes on its own schedule. (`activity/<rule>` cannot
// be used: git cannot hold both `refs/heads/activity` and `refs/heads/activity/<rule>`.) Where
// one name must say which line a period belongs to (checkpoint messages, retention), a rule
// line's period is written `<rule>/<period>`; the default line's period is the bare period.

export type PeriodUnit = 'month' | 'day';

export interface PeriodHead {
  /** `2025-01` on the default line, `events/2025-01` on the line of rule `events`. */
  readonly period: string;
  readonly head: string;
}

export interface RemovedPeriod extends PeriodHead {
  /** The retention that removed it, e.g. `400d`. */
  readonly retention: string;
}

export const DEFAULT_LINE = 'activity';
export const ARCHIVE_PREFIX = 'refs/archive/activity/';
export const PREVIOUS_PERIOD_TRAILER = 'Previous-Period';
/** A retention rule's name: one ref component, lower case, so `activity-<name>` is a valid branch. */
export const RULE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
/** Archive refs of every line: `refs/archive/activity/<period>`, `refs/archive/activity-<rule>/<period>`. */
const ARCHIVE_REF = /^refs\/archive\/activity(?:-([a-z0-9][a-z0-9-]*))?\/(\d{4}-\d{2}(?:-\d{2})?)$/;
const LINE_REF = /^refs\/heads\/activity-([a-z0-9][a-z0-9-]*)$/;

/** `2025-01` (month) or `2025-01-31` (day). */
export function periodOf(time: number, unit: PeriodUnit): string {
  const iso = new Date(time).toISOString();
  return unit === 'month' ? iso.slice(0, 7) : iso.slice(0, 10);
}

export function isPeriodName(name: string): boolean {
  return /^\d{4}-\d{2}(-\d{2})?$/.test(name);
}

/** `events/2025-01` → { rule: 'events', period: '2025-01' }; `2025-01` → { rule: null, … }. */
export function splitPeriodKey(key: string): { rule: string | null; period: string } {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? { rule: null, period: key } : { rule: key.slice(0, slash), period: key.slice(slash + 1) };
}

export function periodKey(rule: string | null, period: string): string {
  return rule === null ? period : `${rule}/${period}`;
}

/** Epoch ms at which the period ends (the start of the next one); takes a period or a `<rule>/<period>` key. */
export function periodEnd(key: string): number {
  const { period } = splitPeriodKey(key);
  const [year, month, day] = period.split('-').map(Number) as [number, number, number | undefined];
  return day === undefined ? Date.UTC(year, month, 1) : Date.UTC(year, month - 1, day + 1);
}

/** The branch a line is written to: `activity` or `activity-<rule>`. */
export function lineName(rule: string | null): string {
  return rule === null ? DEFAULT_LINE : `${DEFAULT_LINE}-${rule}`;
}

/** `refs/heads/activity-<rule>` → `<rule>`; null for any other ref. */
export function ruleOfLineRef(ref: string): string | null {
  return LINE_REF.exec(ref)?.[1] ?? null;
}

/** The archive ref of a period: `archiveRef('2025-01')`, `archiveRef('events/2025-01')`. */
export function archiveRef(key: string): string {
  const { rule, period } = splitPeriodKey(key);
  return `refs/archive/${lineName(rule)}/${period}`;
}

/** `refs/archive/activity-events/2025-01` → `events/2025-01`; null for a ref that is no archived period. */
export function periodKeyOfRef(ref: string): string | null {
  const match = ARCHIVE_REF.exec(ref);
  return match ? periodKey(match[1] ?? null, match[2] as string) : null;
}

/** The trailer value on a period's root commit: `<period> <head>`. */
export function formatPreviousPeriod(period: string, head: string): string {
  return `${period} ${head}`;
}

export function parsePreviousPeriod(value: string): { period: string; head: string } | null {
  const match = /^(\S+) ([0-9a-f]{40})$/.exec(value.trim());
  return match && isPeriodName(match[1] as string) ? { period: match[1] as string, head: match[2] as string } : null;
}
