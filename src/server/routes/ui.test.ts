import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { pino } from 'pino';
import { genericEvent } from '../../../test/helpers/intake-fixtures.ts';
import { Config } from '../../config/schema.ts';
import type { ChangeBatch } from '../../domain/batch.ts';
import { RepositoryReader } from '../../ledger/reader.ts';
import { noiseRulesFrom } from '../../config/normalise-settings.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { createApp } from '../app.ts';
import { encodePath } from '../views/format.ts';
import { createViewerRoutes, type ViewerApp } from './viewer.ts';
import { APP_PATH, bearer, buildFixture, T, TOKEN, WEB_PATH, XSS_PATH, type Fixture } from './viewer-fixture.ts';

let fx: Fixture;
before(async () => {
  fx = await buildFixture();
});
after(() => fx.close());

const sha = (id: string) => fx.shas.get(id) as string;
const INTAKE_TOKEN = 'intake-token-0123456789';

async function page(url: string, status = 200, headers: Record<string, string> = bearer): Promise<string> {
  const res = await fx.app.request(url, { headers });
  const text = await res.text();
  assert.equal(res.status, status, `${url}: ${text.slice(0, 500)}`);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  // Attacker-controlled subjects, authors, paths, trailers and YAML never become markup.
  assert.doesNotMatch(text, /<script|<img|<b>/i, url);
  return text;
}

async function login(app = fx.app, token = TOKEN, next = '/'): Promise<Response> {
  return app.request('/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
    body: new URLSearchParams({ token, next }).toString(),
  });
}

function sessionCookie(res: Response): string {
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0] as string;
}

test('the timeline lists main newest first, escapes everything and pages with a cursor', async () => {
  const html = await page('/');
  assert.match(html, /Sources: 1 failing · 1 up/);
  assert.ok(html.indexOf(sha('e5')) < html.indexOf(sha('e4')));
  assert.match(html, /update &lt;img src=x onerror=alert\(1\)&gt; &quot;quoted&quot; &amp; more/);
  assert.match(html, /&quot;&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
  assert.ok(html.includes(`href="/history/${encodePath(XSS_PATH)}"`));
  // Only the generic event's author, asserted by its sender, is marked claimed; on its commit page too.
  assert.equal(html.match(/data-testid="claimed"/g)?.length, 1);
  assert.match(await page(`/commit/${sha('e4')}`), /data-testid="claimed"/);
  assert.doesNotMatch(await page(`/commit/${sha('e5')}`), /data-testid="claimed"/);
  const older = /href="(\/\?cursor=[^"]+)" data-testid="older"/.exec(html)?.[1];
  assert.ok(older, 'an Older link');
  const second = await page(older.replaceAll('&amp;', '&'));
  assert.ok(second.includes(sha('e3')) && second.includes(sha('e2')) && !second.includes(`data-sha="${sha('e5')}"`));
});

test('the timeline filters by author, path, source, time and text, and has an activity tab', async () => {
  const byAuthor = await page('/?author=bob&path=&source=&since=&until=&q=');
  assert.deepEqual(
    [...byAuthor.matchAll(/data-sha="([0-9a-f]+)"/g)].map((m) => m[1]),
    [sha('e5'), sha('e3')],
  );
  assert.match(byAuthor, /name="author" value="bob"/);
  const byPath = await page('/?path=kubernetes/prod/namespaces/shop/apps');
  assert.deepEqual(
    [...byPath.matchAll(/data-sha="([0-9a-f]+)"/g)].map((m) => m[1]),
    [sha('e5'), sha('e2')],
  );
  const byTime = await page('/?since=2026-03-02T01:15Z&until=2026-03-02T01:45Z&source=generic/hooks');
  assert.deepEqual(
    [...byTime.matchAll(/data-sha="([0-9a-f]+)"/g)].map((m) => m[1]),
    [sha('e4')],
  );
  const activity = await page('/?branch=activity');
  assert.match(activity, /delete secrets kube-system\/token \(403\)/);
  assert.match(activity, /class="active">Activity</);
  const bad = await page('/?since=soon', 400);
  assert.match(bad, /since: must be an ISO-8601 time/);
});

test('the commit page shows metadata, trailers, files with links and the diff2html diff in both layouts', async () => {
  const html = await page(`/commit/${sha('e3')}`);
  assert.match(html, /<th>Author<\/th><td>bob@example.com &lt;bob@example.com&gt;<\/td>/);
  assert.match(html, /<th>Time<\/th><td><time datetime="2026-03-02T01:00:00.000Z">2026-03-02 01:00:00 UTC<\/time>/);
  assert.match(html, /<tr><th>Event-ID<\/th><td>e3<\/td><\/tr>/);
  assert.ok(html.includes(`href="/history/${APP_PATH}"`));
  assert.ok(html.includes(`href="/blame/${APP_PATH}?at=${sha('e3')}"`));
  assert.match(html, /href="\/assets\/diff2html.css"/);
  assert.match(html, /class="d2h-file-side-diff"/);
  assert.match(html, /d2h-del[^]*workers: <del>2<\/del>|workers: 2/);
  const lines = await page(`/commit/${sha('e3')}?view=line-by-line`);
  assert.doesNotMatch(lines, /d2h-file-side-diff/);
  assert.match(lines, /class="d2h-file-diff"/);
  assert.match(
    lines,
    /data-testid="view-line-by-line" class="active"|class="active" aria-current="true" data-testid="view-line-by-line"/,
  );

  const hostile = await page(`/commit/${sha('e4')}`);
  assert.match(hostile, /<th>Note<\/th><td>&lt;b&gt;bold&lt;\/b&gt;<\/td>/);
  assert.match(hostile, /html: &lt;script&gt;alert\(3\)&lt;(\/|&#x2F;)script&gt;/);
  const deletion = await page(`/commit/${sha('e5')}`);
  assert.ok(deletion.includes(`href="/blame/${WEB_PATH}?at=${sha('e4')}"`), 'a deleted file is blamed at the parent');
  await page('/commit/0123456789abcdef', 404);
  assert.match(await page('/commit/nope', 400), /sha: must be a commit id/);
  assert.match(await page(`/commit/${sha('e3')}?view=split`, 400), /view: must be one of side-by-side, line-by-line/);
});

test('the commit page links to the remote only with an http(s) URL', async () => {
  const linked = createViewerRoutes({
    ...fx.deps,
    links: { commitUrl: (id) => `https://github.com/acme/infra/commit/${id}` },
  });
  const html = await (await linked.request(`/commit/${sha('e1')}`, { headers: bearer })).text();
  assert.ok(html.includes(`href="https://github.com/acme/infra/commit/${sha('e1')}"`));
  const hostile = createViewerRoutes({ ...fx.deps, links: { commitUrl: () => 'javascript:alert(1)' } });
  assert.doesNotMatch(await (await hostile.request(`/commit/${sha('e1')}`, { headers: bearer })).text(), /javascript:/);
});

test('history and blame pages, with escaped paths that round-trip through their URLs', async () => {
  const history = await page(`/history/${APP_PATH}`);
  assert.deepEqual(
    [...history.matchAll(/data-sha="([0-9a-f]+)"/g)].map((m) => m[1]),
    [sha('e3'), sha('e1')],
  );
  const xss = await page(`/history/${encodePath(XSS_PATH)}`);
  assert.match(
    xss,
    /History of <span class="mono">custom\/hooks\/&lt;script&gt;alert\(1\)&lt;%2Fscript&gt;.yaml<\/span>/,
  );
  await page('/history/kubernetes/none.yaml', 404);
  assert.match(await page('/history/kubernetes%2F..%2Fx.yaml', 400), /path: must be a repository path/);
  assert.match(await page('/history/kubernetes/%E0%A4%A.yaml', 400), /path: is not a valid URL path/);

  const blame = await page(`/blame/${APP_PATH}`);
  assert.match(blame, new RegExp(`<a href="/commit/${sha('e3')}"[^>]*>${sha('e3').slice(0, 10)}</a> bob@example.com`));
  assert.match(blame, /<td class="code">    workers: 4<\/td>/);
  const earlier = await page(`/blame/${APP_PATH}?at=2026-03-02T00:30Z`);
  assert.doesNotMatch(earlier, new RegExp(sha('e3').slice(0, 10)));
  assert.match(earlier, /workers: 2/);
  await page(`/blame/${WEB_PATH}`, 404);
  assert.match(await page(`/blame/${APP_PATH}?at=whenever`, 400), /at: must be a commit id or an ISO-8601 time/);
});

test('the tree browses folders and files now, at a commit and at an instant', async () => {
  const root = await page('/tree/');
  assert.match(root, /href="\/tree\/custom"/);
  assert.match(root, /As it is now/);
  assert.equal(await page('/tree'), root, '/tree is the root too');
  assert.equal((await fx.app.request('/tree')).status, 302, 'and needs a reader');
  const folder = 'kubernetes/prod/namespaces/shop/apps/deployments';
  await page(`/tree/${folder}`, 404);
  const then = await page(`/tree/${folder}?at=2026-03-02T01:00Z`);
  assert.match(then, /As it was at 2026-03-02 01:00:00 UTC/);
  assert.ok(then.includes(`href="/tree/${WEB_PATH}?at=2026-03-02T01%3A00Z"`));
  const file = await page(`/tree/${APP_PATH}?at=2026-03-02T00:30Z`);
  assert.match(file, /<td class="code">    workers: 2<\/td>/);
  const atSha = await page(`/tree/${APP_PATH}?at=${sha('e3')}`);
  assert.match(atSha, /workers: 4/);
  assert.match(atSha, /As of commit/);
  const hostile = await page(`/tree/${encodePath(XSS_PATH)}`);
  assert.match(hostile, /link: javascript:alert\(4\)/);
  assert.doesNotMatch(hostile, /href="javascript/);
  assert.match(await page('/tree/x?at=tomorrow', 400), /at: /);
});

test("the sources page and the header badge show each live source's state", async () => {
  const html = await page('/sources');
  assert.match(
    html,
    /<code>cloudtrail\/111122223333\/eu-west-1<\/code><\/td>\s*<td><span class="badge state-failing">failing<\/span>/,
  );
  assert.match(html, /AccessDenied &lt;script&gt;/);
  assert.match(html, /120 s/);
  const quiet = createViewerRoutes({ ...fx.deps, status: () => [] });
  assert.match(await (await quiet.request('/sources', { headers: bearer })).text(), /No live source is configured/);
});

test('pages without credentials redirect to the login form, which sets a session cookie', async () => {
  const res = await fx.app.request(`/history/${APP_PATH}?cursor=x`);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), `/login?next=${encodeURIComponent(`/history/${APP_PATH}?cursor=x`)}`);
  const form = await page('/login?next=%2Fsources', 200, {});
  assert.match(form, /name="next" value="\/sources"/);
  assert.doesNotMatch(form, /Sources:/, 'no source states before login');

  const wrong = await login(fx.app, 'wrong-token-wrong-token');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('set-cookie'), null);
  assert.match(await wrong.text(), /That token is not valid/);

  const ok = await login(fx.app, TOKEN, '/sources');
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/sources');
  assert.match(ok.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Lax/);
  assert.doesNotMatch(ok.headers.get('set-cookie') ?? '', new RegExp(TOKEN), 'the cookie is not the token');
  const cookie = sessionCookie(ok);
  const html = await page('/', 200, { Cookie: cookie });
  assert.match(html, /<span data-testid="user">viewer<\/span>/);
  const api = await fx.app.request('/api/sources', { headers: { Cookie: cookie } });
  assert.equal(api.status, 200);

  const forged = cookie.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
  const rejected = await fx.app.request('/', { headers: { Cookie: forged } });
  assert.equal(rejected.status, 302);
  assert.match(rejected.headers.get('set-cookie') ?? '', /gitrail_session=;/);
  const later = createViewerRoutes({ ...fx.deps, now: () => T('03:00') + 13 * 3_600_000 });
  assert.equal((await later.request('/', { headers: { Cookie: cookie } })).status, 302, 'sessions expire');
  const rotated = createViewerRoutes({ ...fx.deps, env: { GITRAIL_VIEW_TOKEN: 'a-brand-new-token-value' } });
  assert.equal(
    (await rotated.request('/', { headers: { Cookie: cookie } })).status,
    302,
    'a new token ends old sessions',
  );

  const logout = await fx.app.request('/logout', {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
  });
  assert.equal(logout.status, 303);
  assert.match(logout.headers.get('set-cookie') ?? '', /gitrail_session=;.*Max-Age=0/);
});

test('login only redirects to local paths and refuses cross-site posts', async () => {
  for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
    assert.equal((await login(fx.app, TOKEN, next)).headers.get('location'), '/', next);
  }
  const crossSite = await fx.app.request('/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
    body: new URLSearchParams({ token: TOKEN }).toString(),
  });
  assert.equal(crossSite.status, 403);
});

test('a trusted proxy header names the user only when configured, and only from the proxy', async () => {
  const header = { 'X-Forwarded-User': 'carol@example.com' };
  assert.equal((await fx.app.request('/', { headers: header })).status, 302, 'ignored when not configured');
  const proxied = createViewerRoutes({
    ...fx.deps,
    config: { ...fx.deps.config, trustedProxy: { header: 'X-Forwarded-User', addresses: ['10.0.0.5'] } },
  });
  const proxy = { incoming: { socket: { remoteAddress: '10.0.0.5' } } };
  const html = await (await proxied.request('/', { headers: header }, proxy)).text();
  assert.match(html, /<span data-testid="user">carol@example.com<\/span>/);
  assert.equal((await proxied.request('/api/sources', { headers: header }, proxy)).status, 200);
  assert.equal((await proxied.request('/api/sources', {}, proxy)).status, 401);
  const pinned = createViewerRoutes({
    ...fx.deps,
    config: { ...fx.deps.config, trustedProxy: { header: 'X-Forwarded-User', addresses: ['10.0.0.5'] } },
  });
  const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
  assert.equal((await pinned.request('/api/sources', { headers: header }, from('10.0.0.5'))).status, 200);
  assert.equal((await pinned.request('/api/sources', { headers: header }, from('::ffff:10.0.0.5'))).status, 200);
  assert.equal((await pinned.request('/api/sources', { headers: header }, from('10.0.0.6'))).status, 401);
  assert.equal((await pinned.request('/api/sources', { headers: header })).status, 401, 'unknown peer');
});

test('mounted in the daemon app, the viewer guards only its own routes', async () => {
  const config = Config.parse({ data: fx.dir });
  const metrics = createMetrics({ defaultMetrics: false });
  const recorded: ChangeBatch[] = [];
  const daemonApp = (viewer: ViewerApp) =>
    createApp({
      log: pino({ level: 'silent' }),
      intake: {
        config: config.intake,
        tokens: {
          kubernetesAudit: [INTAKE_TOKEN],
          kubernetesAdmission: [INTAKE_TOKEN],
          cloudtrail: [INTAKE_TOKEN],
          events: [INTAKE_TOKEN],
        },
        normalise: {
          redact: createRedactor(Buffer.alloc(32, 7)),
          sensitiveKeys: new Set(),
          noiseRules: noiseRulesFrom(config),
        },
        record: async (batch) => recorded.push(batch),
        metrics,
        now: () => T('03:00'),
      },
      health: { readiness: () => ({ ready: true, reasons: [], degraded: [] }), metrics },
      viewer,
    });
  const root = daemonApp(fx.app);
  assert.equal((await root.request('/healthz')).status, 200);
  const ingest = (headers: Record<string, string>) =>
    root.request('/ingest/events/flags', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify([genericEvent(1)]),
    });
  assert.equal((await ingest({ Authorization: `Bearer ${INTAKE_TOKEN}` })).status, 202);
  const stranger = await ingest({});
  assert.equal(stranger.status, 401);
  assert.equal(((await stranger.json()) as { error: string }).error, 'UNAUTHORIZED');
  assert.equal((await ingest(bearer)).status, 401, 'a viewer token is not an intake token');
  assert.equal(recorded.length, 1);
  assert.equal((await root.request('/api/commits')).status, 401);
  assert.equal((await root.request('/api/commits', { headers: bearer })).status, 200);
  const bad = await root.request('/api/commits?limit=x', { headers: bearer });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.parameter, 'limit');
  assert.equal((await root.request('/commit/0123456789abcdef', { headers: bearer })).status, 404);
  const unknown = await root.request('/no-such-route', { headers: bearer });
  assert.equal(unknown.status, 404);
  assert.deepEqual(await unknown.json(), { error: 'NOT_FOUND', detail: 'no route for GET /no-such-route' });

  // Failures the viewer cannot explain reach the daemon's own error handler (which logs them).
  const broken = daemonApp(
    createViewerRoutes({ ...fx.deps, reader: new RepositoryReader(join(fx.dir, 'no-such-repo.git')) }),
  );
  const failed = await broken.request(`/api/blame?path=${APP_PATH}`, { headers: bearer });
  assert.equal(failed.status, 500);
  assert.equal(((await failed.json()) as { error: string }).error, 'LEDGER');
});

test('assets are served from node_modules without credentials', async () => {
  const css = await fx.app.request('/assets/diff2html.css');
  assert.equal(css.status, 200);
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.match(await css.text(), /\.d2h-file-header/);
  assert.match(await (await fx.app.request('/assets/viewer.css')).text(), /header\.top/);
});
