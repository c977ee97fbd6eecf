// The HTTP server as a Hono app: request ids and access logs, the intake routes, the
// operations endpoints and the viewer, with every GitrailError mapped to a status once.
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import { GitrailError } from '../domain/errors.ts';
import { STATUS_BY_CODE } from './errors.ts';
import type { AppEnv, IntakeDeps } from './intake.ts';
import { healthRoutes, type HealthDeps } from './routes/health.ts';
import { INTAKE_ROUTE_MODULES } from './routes/intake-registry.ts';

export interface AppDeps {
  readonly log: Logger;
  readonly intake: IntakeDeps;
  readonly health: HealthDeps;
  /** The web viewer and JSON API, mounted at the root. */
  readonly viewer?: Hono<any>;
}

/**
 * The metric label of an intake request: its route's pattern without `/ingest/` and parameters
 * (`/ingest/eks/:cluster/firehose` → `eks-firehose`), never the free-form URL; `other` when no
 * intake route matched. Null outside `/ingest/`.
 */
export function intakeRouteLabel(path: string, pattern: string): string | null {
  if (!path.startsWith('/ingest/')) return null;
  if (!pattern.startsWith('/ingest/')) return 'other';
  const fixed = pattern
    .slice('/ingest/'.length)
    .split('/')
    .filter((segment) => segment !== '' && !segment.startsWith(':') && segment !== '*');
  return fixed.length > 0 ? fixed.join('-') : 'other';
}

const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

function errorResponse(c: Context<AppEnv>, error: Error, log: Logger): Response {
  if (error instanceof GitrailError) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    if (status >= 500) log.error({ err: error, code: error.code }, 'request failed');
    if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="gitrail"');
    if (status === 503) c.header('Retry-After', '5');
    return c.json({ error: error.code, detail: error.message }, status as 400);
  }
  if (error instanceof HTTPException) return error.getResponse();
  log.error({ err: error }, 'request failed');
  return c.json(
    {
      error: 'INTERNAL',
      detail: `internal error; the server log has the details under request id ${c.get('requestId')}`,
    },
    500,
  );
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { metrics } = deps.intake;
  app.use('*', requestId(), async (c, next) => {
    const started = performance.now();
    const log = deps.log.child({ reqId: c.get('requestId') });
    c.set('log', log);
    await next();
    const status = c.res.status;
    const route = intakeRouteLabel(c.req.path, routePath(c, -1));
    if (route) metrics.requests.inc({ route, status: String(status) });
    const entry = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    if (QUIET.has(c.req.path) && status < 400) log.debug(entry, 'request completed');
    else log.info(entry, 'request completed');
  });
  for (const { routes } of INTAKE_ROUTE_MODULES) app.route('/', routes(deps.intake));
  app.route('/', healthRoutes(deps.health));
  if (deps.viewer) app.route('/', deps.viewer);
  app.notFound((c) => c.json({ error: 'NOT_FOUND', detail: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => errorResponse(c, error, c.get('log') ?? deps.log));
  return app;
}
