// Operations endpoints: /healthz (the process answers), /readyz (it can accept and commit
// events; 503 while shutting down, after the journal drainer failed or while the journal
// backlog is over journal.maxBytes; it also counts quarantined records) and /metrics. The
// server listens only once everything has started, so there is no "starting" state to report.
import { Hono } from 'hono';
import type { Readiness } from '../../daemon/readiness.ts';
import type { GitrailMetrics } from '../../metrics/metrics.ts';
import type { AppEnv } from '../intake.ts';

export { assessReadiness, type Readiness, type ReadinessState } from '../../daemon/readiness.ts';

export interface HealthDeps {
  /** `role`: `/readyz?role=…` (cluster mode judges intake, writer and reader apart). */
  readonly readiness: (role?: string) => Readiness;
  readonly metrics: GitrailMetrics;
}

export function healthRoutes(deps: HealthDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const readiness = deps.readiness(c.req.query('role'));
    return c.json(readiness, readiness.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.body(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  return app;
}
