// Noise controls, decided when a match is recorded: silences, repeat intervals, groups by
// actor and rate limits that summarise the overflow instead of dropping it. Pure.
import { compilePathGlobs, compileTextGlobs, type TextMatcher } from '../../policy/glob.ts';
import { formatDuration } from '../../domain/duration.ts';
import type { Noise, Silence } from '../../policy/schema.ts';
import type { MessageKind } from '../notification.ts';

export type Decision =
  | { readonly kind: 'suppress'; readonly disposition: 'silenced' | 'repeat'; readonly reason: string }
  | { readonly kind: 'join'; readonly deliveryId: number }
  | {
      readonly kind: 'create';
      readonly messageKind: MessageKind;
      readonly groupKey: string | null;
      readonly dueAt: number;
    };

/** What the outbox knows about one policy on one channel. */
export interface NoiseView {
  announcedSince(path: string, since: number): boolean;
  openGroup(actor: string): number | null;
  openSummary(): number | null;
  messagesSince(since: number): { count: number; oldest: number | null };
}

export interface MatchFacts {
  readonly actorName: string;
  readonly actorEmail: string;
  readonly path: string;
}

interface CompiledSilence {
  readonly until: number;
  readonly actors: TextMatcher | null;
  readonly paths: TextMatcher | null;
}

/** Silences compiled once per policy load (a loaded policy's silences are never changed). */
const compiledSilences = new WeakMap<Silence, CompiledSilence>();

function compileSilence(silence: Silence): CompiledSilence {
  let compiled = compiledSilences.get(silence);
  if (!compiled) {
    compiled = {
      until: Date.parse(silence.until),
      actors: silence.actors ? compileTextGlobs(silence.actors) : null,
      paths: silence.paths ? compilePathGlobs(silence.paths) : null,
    };
    compiledSilences.set(silence, compiled);
  }
  return compiled;
}

/** The reason a silence in force at `now` holds the match back, else null. */
export function silencedBy(noise: Noise, match: MatchFacts, now: number): string | null {
  for (const silence of noise.silences) {
    const { until, actors, paths } = compileSilence(silence);
    if (until <= now) continue;
    if (actors && !actors(match.actorName) && !actors(match.actorEmail)) continue;
    if (paths && !paths(match.path)) continue;
    return `silenced until ${silence.until}: ${silence.reason}`;
  }
  return null;
}

/**
 *   silenced  a silence covers it: recorded, not sent
 *   repeat    the same resource was announced within repeatInterval: recorded, not sent
 *   join      an open group (same actor, window not closed) or rate-limit summary takes it
 *   create    a new message: single (now), group (collects for the window), or summary
 *             (past the rate limit: collects until the period allows a message again)
 */
export function decideNoise(noise: Noise, match: MatchFacts, view: NoiseView, now: number): Decision {
  const silenced = silencedBy(noise, match, now);
  if (silenced) return { kind: 'suppress', disposition: 'silenced', reason: silenced };
  if (
    noise.repeatInterval !== undefined &&
    noise.repeatInterval > 0 &&
    view.announcedSince(match.path, now - noise.repeatInterval)
  ) {
    return {
      kind: 'suppress',
      disposition: 'repeat',
      reason: `announced within the last ${formatDuration(noise.repeatInterval)}`,
    };
  }
  if (noise.group) {
    const group = view.openGroup(match.actorName);
    if (group !== null) return { kind: 'join', deliveryId: group };
  }
  if (noise.rateLimit) {
    const { count, oldest } = view.messagesSince(now - noise.rateLimit.per);
    if (count >= noise.rateLimit.max) {
      const summary = view.openSummary();
      if (summary !== null) return { kind: 'join', deliveryId: summary };
      return { kind: 'create', messageKind: 'summary', groupKey: null, dueAt: (oldest ?? now) + noise.rateLimit.per };
    }
  }
  if (noise.group)
    return { kind: 'create', messageKind: 'group', groupKey: match.actorName, dueAt: now + noise.group.window };
  return { kind: 'create', messageKind: 'single', groupKey: null, dueAt: now };
}
