// Operations endpoints: /healthz (the process answers), /readyz (it can accept and commit
// events; 503 while starting, shutting down or after a pipeline failure) and /metrics.
import { Hono } from 'hono';
import type { GitrailMetrics } from '../../metrics/metrics.ts';
import type { AppEnv } from '../intake.ts';

export interface Readiness {
  readonly ready: boolean;
  /** Why not ready; empty when ready. */
  readonly reasons: readonly string[];
  readonly [detail: string]: unknown;
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
