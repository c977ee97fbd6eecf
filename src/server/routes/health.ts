// Operations endpoints: /healthz (the process answers), /readyz (it can accept and commit
// events; 503 while shutting down, after the journal drainer failed or while the journal
// backlog is over journal.maxBytes) and /metrics. The server listens only once everything has
// started, so there is no "starting" state to report. A failing mirror, live source or channel
// is listed under `degraded`, never a reason to be unready: an unready pod is taken out of its
// Service, and the audit webhooks it would then refuse are lost, while the mirror catches up.
import { Hono } from 'hono';
import type { GitrailMetrics, JournalGauges } from '../../metrics/metrics.ts';
import type { SourceStatus } from '../../sources/source.ts';
import type { AppEnv } from '../intake.ts';

export interface Readiness {
  readonly ready: boolean;
  /** Why not ready; empty when ready. */
  readonly reasons: readonly string[];
  /** Mirrors, live sources and channels failing or lagging (`mirror/audit: failing`): shown, not reasons. */
  readonly degraded: readonly string[];
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
  };
}

export interface HealthDeps {
  readonly readiness: () => Readiness;
  readonly metrics: GitrailMetrics;
}

export function healthRoutes(deps: HealthDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const readiness = deps.readiness();
    return c.json(readiness, readiness.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  return app;
}
