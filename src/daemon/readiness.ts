// Whether the daemon can accept and commit events, judged from its state at the time of a
// request: not while shutting down, after the journal drainer failed or while the journal backlog
// is over journal.maxBytes. Pure; /readyz (server/routes/health.ts) serves it. A failing mirror,
// live source or channel is listed under `degraded`, never a reason to be unready: an unready pod
// is taken out of its Service, and the audit webhooks it would then refuse are lost, while a
// mirror catches up by itself.
import type { JournalGauges } from '../metrics/metrics.ts';
import type { SourceStatus } from '../sources/source.ts';

export interface Readiness {
  readonly ready: boolean;
  /** Why not ready; empty when ready. */
  readonly reasons: readonly string[];
  /** Mirrors, live sources and channels failing or lagging (`mirror/audit: failing`): shown, not reasons. */
  readonly degraded?: readonly string[];
  readonly [detail: string]: unknown;
}

/** What readiness is judged from, read at the time of the request. */
export interface ReadinessState {
  /** Why the daemon is stopping, or null while it runs. */
  readonly stopping: string | null;
  readonly drainerFailed: boolean;
  readonly journal: JournalGauges & { readonly committedSeq: number };
  /** journal.maxBytes: above this backlog intake answers 503. */
  readonly maxJournalBytes: number;
  readonly now: number;
  /** Live sources, mirrors and notification channels. */
  readonly sources: readonly SourceStatus[];
  /** Records held in the quarantine: shown, but they do not make the daemon unready (intake still works). */
  readonly quarantined?: number;
}

export function assessReadiness(state: ReadinessState): Readiness {
  const { journal } = state;
  const reasons = [
    ...(state.stopping !== null ? [`shutting down (${state.stopping})`] : []),
    ...(state.drainerFailed ? ['the journal drainer failed; see the log'] : []),
    ...(journal.bytes >= state.maxJournalBytes ? ['the journal backlog is over journal.maxBytes'] : []),
  ];
  return {
    ready: reasons.length === 0,
    reasons,
    degraded: state.sources
      .filter((source) => source.state === 'failing' || source.state === 'lagging')
      .map((source) => `${source.id}: ${source.state}`),
    journal: {
      entries: journal.entries,
      bytes: journal.bytes,
      oldestAgeSeconds: journal.oldestReceivedAt === null ? 0 : (state.now - journal.oldestReceivedAt) / 1000,
      committedSeq: journal.committedSeq,
    },
    sources: state.sources,
    ...(state.quarantined === undefined ? {} : { quarantine: { records: state.quarantined } }),
  };
}
