// Checkpoints against history: what one checkpoint names, the next still holds (its main
// descends from the earlier main, each activity line (`activity`, `activity-<rule>`) from the
// earlier head of that line or one of its archived periods,
// each archived period is kept as it was or recorded as removed), and so do the refs after the
// newest one; no commit older than the newest checkpoint is missing from it. Heads of periods
// removed by retention are gone from the repository and are accepted as such.
import type { ReadCheckpoint } from '../checkpoint/read-checkpoint.ts';
import type { CheckpointFacts } from '../checkpoint/message.ts';
import { archiveRef, DEFAULT_LINE, lineName, periodEnd, splitPeriodKey } from '../ledger/periods.ts';
import { isAncestor, type History } from './history.ts';
import type { Problem } from './report.ts';

interface Heads {
  readonly main: string | null;
  /** Activity lines by branch name: `activity`, and `activity-<rule>` per retention rule. */
  readonly lines: ReadonlyMap<string, string | null>;
  readonly archived: ReadonlyMap<string, string>;
  readonly removed: ReadonlyMap<string, string>;
}

function linesOf(activity: string | null, lines: Iterable<readonly [string, string]>): Map<string, string | null> {
  return new Map<string, string | null>([
    [DEFAULT_LINE, activity],
    ...[...lines].map(([rule, head]) => [lineName(rule), head] as const),
  ]);
}

function headsOf(facts: CheckpointFacts): Heads {
  return {
    main: facts.main,
    lines: linesOf(
      facts.activity,
      facts.lines.map((line) => [line.rule, line.head]),
    ),
    archived: new Map(facts.archived.map((archive) => [archive.period, archive.head])),
    removed: new Map(facts.removed.map((removed) => [removed.period, removed.head])),
  };
}

/** The branch a period (`2025-01`, `events/2025-01`) was closed on. */
const lineOfPeriod = (key: string) => lineName(splitPeriodKey(key).rule);

export function checkCoverage(history: History, chain: readonly ReadCheckpoint[], problems: Problem[]): void {
  const { commits, refs } = history;
  const removedHeads = new Set(chain.flatMap((checkpoint) => checkpoint.facts.removed.map((removed) => removed.head)));
  // Per line: the end of the newest period retention removed from it.
  const lastRemovedEnd = new Map<string, number>();
  for (const checkpoint of chain)
    for (const removed of checkpoint.facts.removed) {
      const line = lineOfPeriod(removed.period);
      lastRemovedEnd.set(
        line,
        Math.max(lastRemovedEnd.get(line) ?? Number.NEGATIVE_INFINITY, periodEnd(removed.period)),
      );
    }
  const anyRemovedEnd = Math.max(Number.NEGATIVE_INFINITY, ...lastRemovedEnd.values());
  /**
   * A head gone from the repository because retention removed its period: named as removed, or
   * named by a checkpoint taken before the newest period removed from its line ended (periods go
   * oldest first).
   */
  const isRetired = (head: string, time: number, line: string | null) =>
    !commits.has(head) &&
    (removedHeads.has(head) ||
      time < (line === null ? anyRemovedEnd : (lastRemovedEnd.get(line) ?? Number.NEGATIVE_INFINITY)));
  const holds = (earlier: string, later: string | null | undefined, time: number, line: string | null) =>
    (later !== null && later !== undefined && isAncestor(commits, earlier, later)) || isRetired(earlier, time, line);

  /** `object` names the place a broken link is reported on: the later checkpoint, or the ref. */
  const check = (object: (head: string) => string, before: Heads, time: number, after: Heads) => {
    if (before.main && !holds(before.main, after.main, time, null))
      problems.push({
        object: object('refs/heads/main'),
        reason: `main ${after.main ?? 'none'} does not descend from main ${before.main} (rewound or rewritten)`,
      });
    for (const [line, head] of before.lines) {
      if (!head) continue;
      const ofLine = (periods: ReadonlyMap<string, string>) =>
        [...periods].filter(([period]) => lineOfPeriod(period) === line).map(([, kept]) => kept);
      const kept = [after.lines.get(line), ...ofLine(after.archived), ...ofLine(after.removed)];
      if (!kept.some((later) => holds(head, later, time, line)))
        problems.push({
          object: object(`refs/heads/${line}`),
          reason: `${line} ${head} is neither continued nor archived`,
        });
    }
    for (const [period, head] of before.archived) {
      const later = after.archived.get(period) ?? after.removed.get(period);
      if (later !== head)
        problems.push({
          object: object(archiveRef(period)),
          reason: `archived period ${period} was at ${head}, now ${later ?? 'gone without a retention record'}`,
        });
    }
  };

  const byOid = new Map(chain.map((checkpoint) => [checkpoint.oid, checkpoint]));
  for (const checkpoint of chain) {
    const previous = checkpoint.facts.previous && byOid.get(checkpoint.facts.previous.oid);
    if (previous)
      check(
        () => `checkpoint ${checkpoint.name}`,
        headsOf(previous.facts),
        previous.tag.taggerTime,
        headsOf(checkpoint.facts),
      );
  }
  const newest = [...chain].sort((a, b) => b.facts.number - a.facts.number)[0];
  if (!newest) return;
  const { archived, main, lines } = headsOf(newest.facts);
  const since = (ref: string) => `ref ${ref}`;
  check(since, { main, lines, archived, removed: new Map() }, newest.tag.taggerTime, {
    main: refs.main,
    lines: linesOf(refs.activity, refs.lines),
    archived: refs.archives,
    removed: new Map(),
  });
}

/** Every commit written before the newest checkpoint is one it includes (none was slipped in before it). */
export function checkNothingBefore(history: History, chain: readonly ReadCheckpoint[], problems: Problem[]): void {
  const newest = [...chain].sort((a, b) => b.facts.number - a.facts.number)[0];
  if (!newest) return;
  const facts = newest.facts;
  const heads = [
    facts.main,
    facts.activity,
    ...facts.lines.map((line) => line.head),
    ...facts.archived.map((archive) => archive.head),
  ].filter((head): head is string => head !== null && history.commits.has(head));
  const seconds = Math.floor(newest.tag.taggerTime / 1000);
  for (const [sha, info] of history.commits) {
    if (!info.reachable || Math.floor(info.committerTime / 1000) >= seconds) continue;
    if (!heads.some((head) => isAncestor(history.commits, sha, head)))
      problems.push({
        object: `commit ${sha}`,
        reason:
          `committed ${new Date(info.committerTime).toISOString()}, before checkpoint ${newest.name}, which ` +
          `does not include it`,
      });
  }
}
