// The writer's side of activity periods (periods.ts): which period `activity` is in, the
// archive refs still to be stored for closed periods, and the trailer that names the closed
// period on the next period's root commit. Archive refs are stored after the pack that holds
// their commits and before `activity` moves, so no commit is ever left without a ref. Each
// activity line (the default one and one per retention rule) has its own ActivityPeriods.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChangeRecord } from '../domain/change.ts';
import { LedgerError } from '../domain/errors.ts';
import {
  archiveRef,
  formatPreviousPeriod,
  periodKey,
  periodOf,
  PREVIOUS_PERIOD_TRAILER,
  type PeriodUnit,
} from './periods.ts';

/** A retention rule's own activity line, `refs/heads/activity-<rule>` (periods.ts). */
export interface ActivityLine {
  readonly rule: string;
  readonly period: PeriodUnit;
  /** Whether an activity record is written to this line (the first line that matches takes it). */
  matches(record: ChangeRecord): boolean;
}
import { readRef, updateRef } from './refs.ts';

interface ClosedPeriod {
  readonly period: string;
  readonly head: string;
}

/** The committer time (epoch ms) of a commit object's text. */
export function committerTimeOf(commitText: string): number {
  const match = /^committer .* (\d+) [+-]\d{4}$/m.exec(commitText);
  if (!match) throw new LedgerError('a commit without a committer line');
  return Number(match[1]) * 1000;
}

export class ActivityPeriods {
  readonly #unit: PeriodUnit;
  readonly #rule: string | null;
  #current: string | null = null;
  #previous: ClosedPeriod | null = null;
  readonly #unstored: ClosedPeriod[] = [];

  /** `rule`: the retention rule whose line this is; null for `activity` itself. */
  constructor(unit: PeriodUnit, rule: string | null = null) {
    this.#unit = unit;
    this.#rule = rule;
  }

  /** The branch's head when the writer opens the repository. */
  opened(headCommitText: string): void {
    this.#current = periodOf(committerTimeOf(headCommitText), this.#unit);
  }

  /** Whether a commit written at `time` closes the current period (whose head `head()` answers). */
  roll(time: number, head: () => string | null): boolean {
    const period = periodOf(time, this.#unit);
    // Periods only move forward: a clock set back keeps writing into the current one.
    if (this.#current !== null && period <= this.#current) return false;
    const last = this.#current === null ? null : head();
    const closes = last !== null;
    if (closes) {
      this.#previous = { period: this.#current as string, head: last };
      this.#unstored.push(this.#previous);
    }
    this.#current = period;
    return closes;
  }

  /** The trailer for the first commit of a period that follows a closed one. */
  rootTrailer(): readonly [string, string] | null {
    return this.#previous
      ? [PREVIOUS_PERIOD_TRAILER, formatPreviousPeriod(this.#previous.period, this.#previous.head)]
      : null;
  }

  /** Creates the archive refs of the periods closed since the last flush (again after a crash: same value, no-op). */
  storeArchives(gitdir: string): void {
    while (this.#unstored.length > 0) {
      const { period, head } = this.#unstored[0] as ClosedPeriod;
      const ref = archiveRef(periodKey(this.#rule, period));
      const current = readRef(gitdir, ref);
      if (current !== head) {
        if (current !== null)
          throw new LedgerError(`${ref} already names ${current}; the period closing now ends at ${head}`);
        mkdirSync(dirname(join(gitdir, ref)), { recursive: true });
        updateRef(gitdir, ref, head, null);
      }
      this.#unstored.shift();
    }
  }
}
