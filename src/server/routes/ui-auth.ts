// Authentication at the viewer's edge: the middleware that admits readers (401 JSON for the
// API, a redirect to the login form for pages), the login and logout routes, and the
// security headers every viewer response carries.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import { parseBearer } from '../auth.ts';
import { SESSION_COOKIE, type Credentials } from '../viewer-auth.ts';
import { renderPage } from '../views/layout.ts';
import { queryString } from '../views/format.ts';
import { errorJson } from './api-json.ts';
import type { ViewerApp, ViewerContext, ViewerEnv } from './viewer-context.ts';

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; " +
      "base-uri 'none'",
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'same-origin');
  c.header('X-Frame-Options', 'DENY');
  if (!c.req.path.startsWith('/assets/')) c.header('Cache-Control', 'no-store');
};

function peerAddress(c: Context): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

function credentialsOf(c: Context, ctx: ViewerContext): Credentials {
  const authorization = c.req.header('Authorization');
  const header = ctx.auth.proxyHeader;
  return {
    // A bearer header decides alone (viewer-auth.ts): one that is not `Bearer <token>` is an invalid token.
    bearer: authorization === undefined ? undefined : (parseBearer(authorization) ?? ''),
    session: getCookie(c, SESSION_COOKIE),
    proxyUser: header ? c.req.header(header) : undefined,
    peer: peerAddress(c),
  };
}

/** A local path to return to after login; anything else (another host, `//evil`) becomes `/`. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) && !/[\x00-\x1f]/.test(next) ? next : '/';
}

export function requireReader(ctx: ViewerContext, kind: 'api' | 'page'): MiddlewareHandler<ViewerEnv> {
  return async (c, next) => {
    const result = ctx.auth.authenticate(credentialsOf(c, ctx), ctx.now());
    if (result.ok) {
      c.set('user', result.identity.user);
      await next();
      return;
    }
    if (kind === 'api') {
      const challenge =
        result.reason === 'invalid' ? 'Bearer realm="gitrail", error="invalid_token"' : 'Bearer realm="gitrail"';
      const message =
        result.reason === 'invalid' ? 'the token or session is not valid' : 'send Authorization: Bearer <token>';
      return c.json(errorJson('UNAUTHORIZED', message), 401, { 'WWW-Authenticate': challenge });
    }
    if (result.reason === 'invalid' && getCookie(c, SESSION_COOKIE)) deleteCookie(c, SESSION_COOKIE, { path: '/' });
    const url = new URL(c.req.url);
    return c.redirect(`/login${queryString({ next: url.pathname + url.search })}`, 302);
  };
}

function loginPage(c: Context<ViewerEnv>, ctx: ViewerContext, next: string, problem: string | null) {
  const body = html`<form class="login" method="post" action="/login">
<h1>Sign in to gitrail</h1>
${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
<label for="token">Viewer token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${next}">
<button type="submit">Sign in</button>
</form>`;
  return c.html(renderPage({ title: 'Sign in', section: 'none', user: null, sources: [], body }), problem ? 401 : 200);
}

export function registerLogin(app: ViewerApp, ctx: ViewerContext): void {
  app.get('/login', (c) => loginPage(c, ctx, safeNext(c.req.query('next')), null));
  app.post('/login', csrf(), bodyLimit({ maxSize: 16 * 1024 }), async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form['token'] === 'string' ? form['token'] : '';
    const next = safeNext(typeof form['next'] === 'string' ? form['next'] : undefined);
    const session = token ? ctx.auth.issueSession(token, ctx.now()) : null;
    if (!session) return loginPage(c, ctx, next, 'That token is not valid.');
    setCookie(c, SESSION_COOKIE, session, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: ctx.deps.config.secureCookie,
      maxAge: Math.floor(ctx.auth.sessionMs / 1000),
    });
    return c.redirect(next, 303);
  });
  app.post('/logout', csrf(), (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
}
