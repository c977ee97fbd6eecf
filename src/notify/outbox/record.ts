// Records evaluated commits in the outbox, atomically: every (policy, channel) match with its
// noise decision, the messages it creates or joins, and the branch cursor. Evaluating a commit
// twice records nothing the second time.
import type { Branch } from '../../domain/change.ts';
import type { PolicyMatch } from '../../policy/match.ts';
import { severityRank, type Noise } from '../../policy/schema.ts';
import type { NotificationItem } from '../notification.ts';
import { decideNoise, type NoiseView } from './noise.ts';
import type { OutboxDb } from './outbox-db.ts';

export interface EvaluatedMatch {
  readonly match: PolicyMatch;
  readonly noise: Noise;
  readonly item: NotificationItem;
}

export interface RecordResult {
  /** Matches that a message carries (or will). */
  readonly messages: number;
  /** One per match recorded but not sent, with why (the suppressed-matches metric's labels). */
  readonly suppressed: readonly Suppressed[];
}

export interface Suppressed {
  readonly policy: string;
  readonly channel: string;
  readonly disposition: 'silenced' | 'repeat';
}

function viewFor(db: OutboxDb, policy: string, channel: string, now: number): NoiseView {
  return {
    announcedSince: (path, since) => db.announcedSince(policy, channel, path, since),
    openGroup: (actor) => db.openDelivery(policy, channel, 'group', actor, now),
    openSummary: () => db.openDelivery(policy, channel, 'summary', null, now),
    messagesSince: (since) => db.messagesSince(policy, channel, since),
  };
}

export interface EvaluatedCommit {
  /** `branch`: the branch name whose cursor moves past the commit (`main`, `activity`, `activity-<rule>`). */
  readonly commit: { readonly sha: string; readonly branch: string };
  readonly matches: readonly EvaluatedMatch[];
}

/** Records evaluated commits, oldest first, in one transaction (one fsync for a burst). */
export function recordCommits(db: OutboxDb, evaluated: readonly EvaluatedCommit[], now: number): RecordResult {
  return db.transaction(() => {
    const result: { messages: number; suppressed: Suppressed[] } = { messages: 0, suppressed: [] };
    for (const entry of evaluated) recordOne(db, entry, now, result);
    return result;
  });
}

function recordOne(
  db: OutboxDb,
  { commit, matches }: EvaluatedCommit,
  now: number,
  result: { messages: number; suppressed: Suppressed[] },
): void {
  for (const { match, noise, item } of matches) {
    for (const channel of match.channels) {
      if (db.hasMatch(commit.sha, match.policy, channel)) continue;
      const path = match.paths[0] as string;
      const base = {
        commitSha: commit.sha,
        policy: match.policy,
        channel,
        severity: match.severity,
        actor: item.actor.name,
        path,
        item,
        createdAt: now,
      };
      const decision = decideNoise(
        noise,
        { actorName: item.actor.name, actorEmail: item.actor.email, path },
        viewFor(db, match.policy, channel, now),
        now,
      );
      if (decision.kind === 'suppress') {
        db.insertMatch({ ...base, disposition: decision.disposition, reason: decision.reason, deliveryId: null });
        result.suppressed.push({ policy: match.policy, channel, disposition: decision.disposition });
        continue;
      }
      let deliveryId: number;
      if (decision.kind === 'join') {
        deliveryId = decision.deliveryId;
        const severity = db.severity(deliveryId);
        if (severity !== null && severityRank(match.severity) > severityRank(severity))
          db.setSeverity(deliveryId, match.severity);
      } else {
        deliveryId = db.createDelivery({
          policy: match.policy,
          channel,
          kind: decision.messageKind,
          groupKey: decision.groupKey,
          severity: match.severity,
          state: decision.dueAt <= now ? 'pending' : 'collecting',
          dueAt: decision.dueAt,
          now,
        });
      }
      db.insertMatch({ ...base, disposition: 'message', reason: null, deliveryId });
      result.messages += 1;
    }
  }
  db.setCursor(commit.branch, commit.sha);
}
