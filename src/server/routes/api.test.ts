import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { git } from '../../../test/helpers/git.ts';
import { APP_PATH, bearer, buildFixture, T, WEB_PATH, XSS_PATH, XSS_SUBJECT, type Fixture } from './viewer-fixture.ts';

let fx: Fixture;
before(async () => {
  fx = await buildFixture();
});
after(() => fx.close());

async function getJson(url: string, status = 200): Promise<any> {
  const res = await fx.app.request(url, { headers: bearer });
  const text = await res.text();
  assert.equal(res.status, status, `${url}: ${text}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return JSON.parse(text);
}

const sha = (id: string) => fx.shas.get(id) as string;
const iso = (hhmm: string) => new Date(T(hhmm)).toISOString();

test('GET /api/commits pages through main newest first with the documented shape', async () => {
  const first = await getJson('/api/commits');
  assert.deepEqual(
    first.commits.map((c: any) => c.sha),
    [sha('e5'), sha('e4')],
  );
  const [deleted] = first.commits;
  assert.deepEqual(deleted, {
    sha: sha('e5'),
    branch: 'main',
    parent: sha('e4'),
    author: { name: 'bob@example.com', email: 'bob@example.com' },
    time: iso('02:00'),
    subject: 'delete apps/deployments shop/web',
    body: deleted.body,
    trailers: { Source: 'kubernetes-audit', Cluster: 'prod', 'Event-ID': 'e5', Verb: 'update', Attribution: 'exact' },
    paths: [WEB_PATH],
    changes: [{ path: WEB_PATH, op: 'D' }],
  });
  assert.equal(typeof first.next, 'string');
  const second = await getJson(`/api/commits?cursor=${first.next}`);
  assert.deepEqual(
    second.commits.map((c: any) => c.sha),
    [sha('e3'), sha('e2')],
  );
  const third = await getJson(`/api/commits?cursor=${second.next}`);
  assert.deepEqual(
    third.commits.map((c: any) => c.sha),
    [sha('e1')],
  );
  assert.equal(third.next, null);
  assert.equal((await getJson('/api/commits?limit=10')).commits.length, 5);
});

test('GET /api/commits filters by author, path prefix, source, time range, text and branch', async () => {
  const shas = async (query: string) =>
    (await getJson(`/api/commits?limit=50&${query}`)).commits.map((c: any) => c.sha);
  assert.deepEqual(await shas('author=BOB'), [sha('e5'), sha('e3')]);
  assert.deepEqual(await shas('path=kubernetes/prod/namespaces/shop/core/'), [sha('e3'), sha('e1')]);
  assert.deepEqual(await shas(`path=${WEB_PATH}`), [sha('e5'), sha('e2')]);
  assert.deepEqual(await shas('source=generic/*'), [sha('e4')]);
  assert.deepEqual(await shas('source=kubernetes-audit'), [sha('e5'), sha('e3'), sha('e2'), sha('e1')]);
  assert.deepEqual(await shas('since=2026-03-02T00:30:00Z&until=2026-03-02T01:30Z'), [sha('e4'), sha('e3')]);
  assert.deepEqual(await shas('q=onerror'), [sha('e4')]);
  assert.deepEqual(await shas('q=%3Cb%3Ebold'), [sha('e4')]);
  assert.deepEqual(await shas('branch=activity'), [sha('e6')]);
  assert.deepEqual(await shas('author=nobody'), []);
});

test('bad parameters get 400 JSON naming the parameter', async () => {
  const cases: Array<[string, string]> = [
    ['/api/commits?branch=dev', 'branch'],
    ['/api/commits?limit=abc', 'limit'],
    ['/api/commits?limit=5000', 'limit'],
    ['/api/commits?cursor=not-a-cursor', 'cursor'],
    ['/api/commits?since=yesterday', 'since'],
    ['/api/commits?since=2026-03-02T02:00Z&until=2026-03-02T01:00Z', 'until'],
    ['/api/commits?path=kubernetes/../etc', 'path'],
    [`/api/commits?q=${'x'.repeat(300)}`, 'q'],
    ['/api/commits/not-a-sha', 'sha'],
    ['/api/history', 'path'],
    ['/api/blame?path=a%0Ab.yaml', 'path'],
    [`/api/blame?path=${APP_PATH}&at=last-tuesday`, 'at'],
    ['/api/files', 'path'],
    ['/api/tree?path=/etc', 'path'],
  ];
  for (const [url, parameter] of cases) {
    const body = await getJson(url, 400);
    assert.equal(body.error.code, 'INVALID_PARAMETER', url);
    assert.equal(body.error.parameter, parameter, url);
    assert.match(body.error.message, new RegExp(`^${parameter}: `), url);
  }
  assert.equal((await getJson('/api/history', 400)).error.message, 'path: is required');
});

test('GET /api/commits/:sha adds the unified diff; a full or abbreviated id works, an unknown one is 404', async () => {
  const full = await getJson(`/api/commits/${sha('e3')}`);
  assert.equal(full.subject, 'update configmaps shop/app');
  assert.equal(full.author.name, 'bob@example.com');
  assert.deepEqual(full.paths, [APP_PATH]);
  assert.match(full.diff, /^diff --git a\/kubernetes\/prod\/namespaces\/shop\/core\/configmaps\/app\.yaml/);
  assert.match(full.diff, /^-    workers: 2$/m);
  assert.match(full.diff, /^\+    workers: 4$/m);
  assert.equal(full.diff, git(fx.gitdir, 'show', '--format=', '--patch', '--no-color', '--no-renames', sha('e3')));
  const short = await getJson(`/api/commits/${sha('e3').slice(0, 8)}`);
  assert.equal(short.sha, sha('e3'));
  const missing = await getJson('/api/commits/deadbeefdeadbeef', 404);
  assert.equal(missing.error.code, 'NOT_FOUND');
});

test('GET /api/history lists every commit that touched one file', async () => {
  const body = await getJson(`/api/history?path=${WEB_PATH}`);
  assert.equal(body.path, WEB_PATH);
  assert.deepEqual(
    body.commits.map((c: any) => c.sha),
    [sha('e5'), sha('e2')],
  );
  const xss = await getJson(`/api/history?path=${encodeURIComponent(XSS_PATH)}`);
  assert.deepEqual(
    xss.commits.map((c: any) => c.subject),
    [XSS_SUBJECT],
  );
  assert.equal((await getJson('/api/history?path=kubernetes/none.yaml', 404)).error.code, 'NOT_FOUND');
});

test("GET /api/blame names each line's commit and author, now, at a commit and at an instant", async () => {
  const now = await getJson(`/api/blame?path=${APP_PATH}`);
  assert.equal(now.path, APP_PATH);
  const workers = now.lines.find((line: any) => line.text.trim() === 'workers: 4');
  assert.deepEqual(
    { ...workers, n: 0 },
    {
      n: 0,
      text: '    workers: 4',
      sha: sha('e3'),
      author: { name: 'bob@example.com', email: 'bob@example.com' },
      time: iso('01:00'),
      subject: 'update configmaps shop/app',
    },
  );
  const kind = now.lines.find((line: any) => line.text === 'kind: ConfigMap');
  assert.equal(kind.sha, sha('e1'));
  assert.equal(kind.author.name, 'alice@example.com');
  assert.deepEqual(
    now.lines.map((line: any) => line.n),
    now.lines.map((_: unknown, i: number) => i + 1),
  );
  const gitShas = git(fx.gitdir, 'blame', '--porcelain', 'main', '--', APP_PATH)
    .split('\n')
    .filter((line) => /^[0-9a-f]{40} \d+ \d+/.test(line))
    .map((line) => line.slice(0, 40));
  assert.deepEqual(
    now.lines.map((line: any) => line.sha),
    gitShas,
  );

  const before = await getJson(`/api/blame?path=${APP_PATH}&at=2026-03-02T00:30:00Z`);
  assert.equal(before.sha, sha('e1'));
  assert.ok(before.lines.every((line: any) => line.sha === sha('e1')));
  assert.ok(before.lines.some((line: any) => line.text.trim() === 'workers: 2'));
  const atCommit = await getJson(`/api/blame?path=${APP_PATH}&at=${sha('e2')}`);
  assert.ok(atCommit.lines.every((line: any) => line.sha === sha('e1')));

  assert.equal((await getJson(`/api/blame?path=${WEB_PATH}`, 404)).error.code, 'NOT_FOUND');
  assert.equal((await getJson(`/api/blame?path=${WEB_PATH}&at=2026-03-02T01:00Z`)).lines[0].sha, sha('e2'));
  await getJson(`/api/blame?path=${APP_PATH}&at=2026-03-01`, 404);
  await getJson(`/api/blame?path=${APP_PATH}&at=${'ab'.repeat(20)}`, 404);
});

test('GET /api/files returns the YAML as text/yaml at any point, 404 when absent', async () => {
  const res = await fx.app.request(`/api/files?path=${APP_PATH}`, { headers: bearer });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/yaml; charset=utf-8');
  const text = await res.text();
  assert.equal(text, git(fx.gitdir, 'show', `main:${APP_PATH}`));
  assert.match(text, /workers: 4/);
  const earlier = await fx.app.request(`/api/files?path=${APP_PATH}&at=2026-03-02T00:59:59Z`, { headers: bearer });
  assert.match(await earlier.text(), /workers: 2/);
  assert.equal(earlier.headers.get('x-gitrail-commit'), sha('e1'));
  const atSha = await fx.app.request(`/api/files?path=${WEB_PATH}&at=${sha('e4').slice(0, 12)}`, { headers: bearer });
  assert.match(await atSha.text(), /replicas: 2/);
  await getJson(`/api/files?path=${WEB_PATH}`, 404);
  await getJson(`/api/files?path=${WEB_PATH}&at=2026-03-02T02:00Z`, 404);
  await getJson('/api/files?path=kubernetes/prod', 404);
});

test('GET /api/tree lists a folder now, at a commit and at an instant', async () => {
  const root = await getJson('/api/tree');
  assert.deepEqual(
    root.entries.map((e: any) => [e.name, e.type]),
    [
      ['custom', 'folder'],
      ['kubernetes', 'folder'],
    ],
  );
  const early = await getJson('/api/tree?at=2026-03-02T00:05Z');
  assert.deepEqual(
    early.entries.map((e: any) => e.name),
    ['kubernetes'],
  );
  const folder = 'kubernetes/prod/namespaces/shop/apps/deployments';
  await getJson(`/api/tree?path=${folder}`, 404);
  const then = await getJson(`/api/tree?path=${folder}/&at=2026-03-02T01:00Z`);
  assert.deepEqual(then.entries, [
    { name: 'web.yaml', path: WEB_PATH, type: 'file', sha: sha('e2'), time: iso('00:10') },
  ]);
  const atSha = await getJson(`/api/tree?path=${folder}&at=${sha('e2')}`);
  assert.deepEqual(atSha.entries, [{ name: 'web.yaml', path: WEB_PATH, type: 'file' }]);
  const later = await getJson('/api/tree?at=2026-03-02T03:00Z');
  assert.deepEqual(
    later.entries.map((e: any) => e.name),
    ['custom', 'kubernetes'],
    'main only, no activity folder',
  );
  await getJson('/api/tree?path=kubernetes/prod/namespaces/shop/apps&at=2026-03-02T02:30Z', 404);
  const shop = await getJson('/api/tree?path=kubernetes/prod/namespaces/shop&at=2026-03-02T02:30Z');
  assert.deepEqual(
    shop.entries.map((e: any) => e.name),
    ['core'],
    'a folder whose files were all deleted is gone',
  );
  const shopBefore = await getJson('/api/tree?path=kubernetes/prod/namespaces/shop&at=2026-03-02T01:59Z');
  assert.deepEqual(
    shopBefore.entries.map((e: any) => e.name),
    ['apps', 'core'],
  );
  // The same answer as the state of every file at that instant, for every folder and instant.
  for (const hhmm of ['00:00', '00:10', '01:00', '01:30', '02:00', '03:00']) {
    const at = T(hhmm);
    const files = fx.deps.queries.stateAt('', at);
    const folders = new Set(
      files.flatMap((file) =>
        file.path
          .split('/')
          .slice(0, -1)
          .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
      ),
    );
    for (const folder of ['', ...folders]) {
      const listed = await getJson(`/api/tree?path=${encodeURIComponent(folder)}&at=${iso(hhmm)}`);
      const prefix = folder === '' ? '' : `${folder}/`;
      const expected = [
        ...new Set(
          files
            .filter((file) => file.path.startsWith(prefix))
            .map((file) => file.path.slice(prefix.length).split('/')[0]),
        ),
      ].sort();
      assert.deepEqual(listed.entries.map((e: any) => e.name).sort(), expected, `${folder} at ${hhmm}`);
    }
  }
  const activity = await getJson(`/api/tree?path=activity/kubernetes-audit/2026/03/02/02&at=2026-03-02T03:00Z`);
  assert.deepEqual(
    activity.entries.map((e: any) => e.name),
    ['e6.yaml'],
  );
});

test('GET /api/sources reports each live source', async () => {
  const body = await getJson('/api/sources');
  assert.deepEqual(body.sources, [
    { id: 'kubernetes-watch/prod', state: 'up', lastSuccessAt: iso('02:59'), lastError: null, lagSeconds: null },
    {
      id: 'cloudtrail/111122223333/eu-west-1',
      state: 'failing',
      lastSuccessAt: null,
      lastError: 'AccessDenied <script>',
      lagSeconds: 120,
    },
  ]);
});

test('the API needs a bearer token (or a session cookie)', async () => {
  for (const url of [
    '/api/commits',
    `/api/commits/${sha('e1')}`,
    `/api/blame?path=${APP_PATH}`,
    `/api/files?path=${APP_PATH}`,
    '/api/tree',
    '/api/sources',
    '/api/history?path=x.yaml',
  ]) {
    const none = await fx.app.request(url);
    assert.equal(none.status, 401, url);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="gitrail"');
    assert.equal((await none.json()).error.code, 'UNAUTHORIZED');
    const wrong = await fx.app.request(url, { headers: { Authorization: 'Bearer not-the-token-at-all' } });
    assert.equal(wrong.status, 401, url);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  }
  const basic = await fx.app.request('/api/commits', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
  assert.equal(basic.status, 401);
});
