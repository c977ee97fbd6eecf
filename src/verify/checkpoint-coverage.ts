// Checkpoints against history: what one checkpoint names, the next still holds (its main
// descends from the earlier main, its activity from the earlier activity or an archived period,
// each archived period is kept as it was or recorded as removed), and so do the refs after the
// newest one; no commit older than the newest checkpoint is missing from it. Heads of periods
// removed by retention are gone from the repository and are accepted as such.
import type { ReadCheckpoint } from '../checkpoint/read-checkpoint.ts';
import type { CheckpointFacts } from '../checkpoint/message.ts';
import { periodEnd } from '../ledger/periods.ts';
import { isAncestor, type History } from './history.ts';
import type { Problem } from './report.ts';

interface Heads {
  readonly main: string | null;
  readonly activity: string | null;
  readonly archived: ReadonlyMap<string, string>;
  readonly removed: ReadonlyMap<string, string>;
}

function headsOf(facts: CheckpointFacts): Heads {
  return {
    main: facts.main,
    activity: facts.activity,
    archived: new Map(facts.archived.map((archive) => [archive.period, archive.head])),
    removed: new Map(facts.removed.map((removed) => [removed.period, removed.head])),
  };
}

export function checkCoverage(history: History, chain: readonly ReadCheckpoint[], problems: Problem[]): void {
  const { commits, refs } = history;
  const removedHeads = new Set(chain.flatMap((checkpoint) => checkpoint.facts.removed.map((removed) => removed.head)));
  const removedEnds = chain.flatMap((checkpoint) =>
    checkpoint.facts.removed.map((removed) => periodEnd(removed.period)),
  );
  const lastRemovedEnd = removedEnds.length > 0 ? Math.max(...removedEnds) : Number.NEGATIVE_INFINITY;
  /**
   * A head gone from the repository because retention removed its period: named as removed, or
   * named by a checkpoint taken before the newest removed period ended (periods go oldest first).
   */
  const isRetired = (head: string, time: number) =>
    !commits.has(head) && (removedHeads.has(head) || time < lastRemovedEnd);
  const holds = (earlier: string, later: string | null | undefined, time: number) =>
    (later !== null && later !== undefined && isAncestor(commits, earlier, later)) || isRetired(earlier, time);

  /** `object` names the place a broken link is reported on: the later checkpoint, or the ref. */
  const check = (object: (head: string) => string, before: Heads, time: number, after: Heads) => {
    if (before.main && !holds(before.main, after.main, time))
      problems.push({
        object: object('refs/heads/main'),
        reason: `main ${after.main ?? 'none'} does not descend from main ${before.main} (rewound or rewritten)`,
      });
    if (before.activity) {
      const kept = [after.activity, ...after.archived.values(), ...after.removed.values()];
      if (!kept.some((head) => holds(before.activity as string, head, time)))
        problems.push({
          object: object('refs/heads/activity'),
          reason: `activity ${before.activity} is neither continued nor archived`,
        });
    }
    for (const [period, head] of before.archived) {
      const later = after.archived.get(period) ?? after.removed.get(period);
      if (later !== head)
        problems.push({
          object: object(`refs/archive/activity/${period}`),
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
  const { archived, main, activity } = headsOf(newest.facts);
  const since = (ref: string) => `ref ${ref}`;
  check(since, { main, activity, archived, removed: new Map() }, newest.tag.taggerTime, {
    main: refs.main,
    activity: refs.activity,
    archived: refs.archives,
    removed: new Map(),
  });
}

/** Every commit written before the newest checkpoint is one it includes (none was slipped in before it). */
export function checkNothingBefore(history: History, chain: readonly ReadCheckpoint[], problems: Problem[]): void {
  const newest = [...chain].sort((a, b) => b.facts.number - a.facts.number)[0];
  if (!newest) return;
  const facts = newest.facts;
  const heads = [facts.main, facts.activity, ...facts.archived.map((archive) => archive.head)].filter(
    (head): head is string => head !== null && history.commits.has(head),
  );
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
