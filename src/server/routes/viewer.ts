// The web viewer and JSON API as one Hono app for the composition root to mount at `/`:
// HTML pages (timeline, commit, history, blame, tree, sources), `/api/*`, login and assets.
// Every read needs a token, a session cookie or a trusted proxy header (viewer-auth.ts).
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { NotFoundError } from '../../domain/errors.ts';
import { ViewerAuth } from '../viewer-auth.ts';
import { BlameCache } from '../../index/blame.ts';
import { registerCommitApi } from './api-commits.ts';
import { registerFileApi } from './api-files.ts';
import { errorJson } from './api-json.ts';
import { InvalidParameterError } from './api-params.ts';
import { registerAssets } from './ui-assets.ts';
import { registerLogin, requireReader, securityHeaders } from './ui-auth.ts';
import { registerCommitPage } from './ui-commit.ts';
import { registerFilePages } from './ui-file.ts';
import { problemPage } from './ui-page.ts';
import { registerNotificationsPage } from './ui-notifications.ts';
import { registerSourcesPage } from './ui-sources.ts';
import { registerTimeline } from './ui-timeline.ts';
import { registerTreePage } from './ui-tree.ts';
import type { ViewerApp, ViewerContext, ViewerDeps, ViewerEnv } from './viewer-context.ts';

export type {
  NotificationsView,
  ViewerApp,
  ViewerContext,
  ViewerDeps,
  ViewerEnv,
  ViewerTrust,
} from './viewer-context.ts';

/** `/tree/*` matches `/tree` as well. */
const PAGES = ['/', '/commit/*', '/history/*', '/blame/*', '/tree/*', '/sources', '/notifications'] as const;

/** Builds the viewer's routes; throws ConfigError when no way to authenticate is configured. */
export function createViewerRoutes(deps: ViewerDeps): ViewerApp {
  const ctx: ViewerContext = {
    deps,
    auth: ViewerAuth.fromConfig(deps.config, deps.env),
    now: deps.now ?? Date.now,
    blameCache: new BlameCache({ store: deps.blameStore ?? null }),
  };
  const app: ViewerApp = new Hono<ViewerEnv>();
  for (const path of [...PAGES, '/api/*', '/login', '/logout', '/assets/*']) app.use(path, securityHeaders);
  for (const path of PAGES) app.use(path, requireReader(ctx, 'page'));
  app.use('/api/*', requireReader(ctx, 'api'));
  registerAssets(app);
  registerLogin(app, ctx);
  registerCommitApi(app, ctx);
  registerFileApi(app, ctx);
  registerTimeline(app, ctx);
  registerCommitPage(app, ctx);
  registerFilePages(app, ctx);
  registerTreePage(app, ctx);
  registerSourcesPage(app, ctx);
  registerNotificationsPage(app, ctx);
  app.onError((error, c) => {
    const isApi = c.req.path.startsWith('/api/');
    if (error instanceof InvalidParameterError) {
      return isApi
        ? c.json(errorJson(error.code, error.message, error.parameter), 400)
        : problemPage(c, ctx, 400, 'Bad request', error.message);
    }
    if (error instanceof NotFoundError) {
      return isApi
        ? c.json(errorJson(error.code, error.message), 404)
        : problemPage(c, ctx, 404, 'Not found', error.message);
    }
    if (error instanceof HTTPException) return error.getResponse();
    throw error;
  });
  return app;
}
