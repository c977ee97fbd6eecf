// The web viewer in Debian's headless Chromium, driven by playwright-core, over a repository
// built by the real ingest pipeline from examples/: log in, filter the timeline by author,
// open a commit and its rendered diff, blame, history, and the tree at an earlier time.
// Screenshots go to test-output/viewer-e2e/.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { IndexDb } from '../../src/index/index-db.ts';
import { IndexQueries } from '../../src/index/queries.ts';
import { runIngest } from '../../src/ingest/run-ingest.ts';
import { RepositoryReader } from '../../src/ledger/reader.ts';
import { DEFAULT_SENSITIVE_KEYS } from '../../src/normalise/redact.ts';
import { createViewerRoutes } from '../../src/server/routes/viewer.ts';
import { ViewerConfig } from '../../src/config/viewer.ts';

const CHROMIUM = '/usr/bin/chromium';
const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const SHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'viewer-e2e');
const TOKEN = 'e2e-view-token-0123456789';
const DEPLOYMENT = 'kubernetes/demo/namespaces/shop/apps/deployments/web.yaml';

let dir: string;
let index: IndexDb;
let server: ServerType;
let context: BrowserContext;
let page: Page;
let base: string;

async function ingestExamples(dataDir: string): Promise<void> {
  const common = {
    dataDir,
    redactionKey: new Uint8Array(32).fill(7),
    sensitiveKeys: DEFAULT_SENSITIVE_KEYS,
    onProblem: (file: string, line: number | null, reason: string) => assert.fail(`${file}:${line}: ${reason}`),
  };
  await runIngest({
    ...common,
    paths: [join(EXAMPLES, 'kubernetes-audit.ndjson')],
    cluster: 'demo',
    genericSource: 'events',
  });
  await runIngest({
    ...common,
    paths: [join(EXAMPLES, 'cloudtrail'), join(EXAMPLES, 'generic-events.ndjson')],
    cluster: 'demo',
    genericSource: 'flags',
  });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package`);
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'gitrail-viewer-e2e-'));
  await ingestExamples(join(dir, 'data'));
  index = new IndexDb(join(dir, 'data', 'index.db'), { readOnly: true });
  const app = createViewerRoutes({
    queries: new IndexQueries(index.db),
    reader: new RepositoryReader(join(dir, 'data', 'repo.git')),
    config: ViewerConfig.parse({}),
    status: () => [
      { id: 'kubernetes-watch/demo', state: 'up', lastSuccessAt: Date.parse('2026-03-02T01:31:00Z') },
      { id: 'cloudtrail/111122223333/eu-west-1', state: 'lagging', lagSeconds: 420 },
      { id: 'mirror/audit', state: 'up', lastSuccessAt: Date.parse('2026-03-02T01:32:00Z') },
    ],
    env: { GITRAIL_VIEW_TOKEN: TOKEN },
  });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  if (!server.listening) await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
});

after(async () => {
  await context?.close();
  server?.close();
  index?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('log in, filter by author, read a commit diff, blame, history and the tree at an earlier time', async () => {
  // Unauthenticated: the login form; a wrong token is refused.
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login\?next=%2F$/);
  await page.fill('#token', 'not-the-right-token-at-all');
  await page.click('button[type=submit]');
  await page.getByRole('alert').filter({ hasText: 'That token is not valid' }).waitFor();
  await page.fill('#token', TOKEN);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
  assert.equal(await page.getByTestId('user').textContent(), 'viewer');
  assert.equal(await page.getByTestId('sources-badge').textContent(), 'Sources: 1 lagging · 2 up');
  const rows = page.locator('[data-testid=commits] tbody tr');
  assert.ok((await rows.count()) >= 10);
  await shot('01-timeline');

  // Filter the timeline by author.
  await page.fill('input[name=author]', 'bob');
  await page.click('form[data-testid=filters] button[type=submit]');
  await page.waitForURL(/author=bob/);
  const authors = await page.locator('[data-testid=commits] td.author').allTextContents();
  assert.ok(authors.length >= 2, 'bob made several changes');
  assert.ok(
    authors.every((author) => author.includes('bob')),
    authors.join(', '),
  );
  await shot('02-filtered-by-author');

  // Open bob's deployment patch: metadata, trailers and the diff2html diff.
  await page.getByRole('link', { name: 'patch apps/deployments shop/web' }).click();
  await page.waitForURL(/\/commit\/[0-9a-f]{40}$/);
  assert.equal(await page.getByTestId('subject').textContent(), 'patch apps/deployments shop/web');
  assert.match((await page.getByTestId('trailers').textContent()) ?? '', /Source\s*kubernetes-audit/);
  const diff = page.getByTestId('diff');
  await diff.locator('.d2h-file-side-diff').first().waitFor();
  assert.match((await diff.locator('.d2h-del').allTextContents()).join('\n'), /web:1\.26/);
  assert.match((await diff.locator('.d2h-ins').allTextContents()).join('\n'), /web:1\.27/);
  assert.ok(await diff.locator('.d2h-file-wrapper').isVisible());
  await shot('03-commit-side-by-side');
  await page.getByTestId('view-line-by-line').click();
  await page.waitForURL(/view=line-by-line/);
  await diff.locator('.d2h-file-diff').first().waitFor();
  assert.equal(await diff.locator('.d2h-file-side-diff').count(), 0);
  await shot('04-commit-line-by-line');
  const commitUrl = page.url().replace(/\?.*$/, '');
  const bobSha = commitUrl.slice(-40);

  // Blame at that commit: the image line is bob's.
  await page.getByTestId('files').getByRole('link', { name: 'blame' }).click();
  await page.waitForURL(/\/blame\//);
  const imageRow = page.locator('[data-testid=blame] tr', { hasText: 'registry.example.com/web:1.27' });
  assert.equal(await imageRow.count(), 1);
  const blameRows = page.locator('[data-testid=blame] tr.first');
  assert.ok((await blameRows.count()) >= 2, 'alice created it, bob changed one line');
  assert.match((await page.getByTestId('blame').textContent()) ?? '', /bob@example\.com/);
  assert.match(await page.getByTestId('blame').innerHTML(), new RegExp(`/commit/${bobSha}`));
  await shot('05-blame');

  // The file's history: every commit that touched it, the deletion included.
  await page.getByRole('link', { name: 'history' }).first().click();
  await page.waitForURL(new RegExp(`/history/${DEPLOYMENT}$`));
  const subjects = await page.locator('[data-testid=commits] td.subject a').allTextContents();
  assert.deepEqual(subjects, [
    'delete apps/deployments shop/web',
    'patch apps/deployments/scale shop/web',
    'patch apps/deployments shop/web',
    'create apps/deployments shop/web',
  ]);
  await shot('06-history');

  // The tree at an earlier time: the deployment, deleted at 01:30, as it was at 01:07.
  await page.goto(`${base}/tree/`);
  await page.fill('form[data-testid=at-form] input[name=at]', '2026-03-02T01:07:00Z');
  await page.click('form[data-testid=at-form] button[type=submit]');
  await page.waitForURL(/\/tree\/\?at=2026-03-02T01%3A07%3A00Z$/);
  assert.equal(await page.getByTestId('state').textContent(), 'As it was at 2026-03-02 01:07:00 UTC');
  for (const folder of ['kubernetes/', 'demo/', 'namespaces/', 'shop/', 'apps/', 'deployments/']) {
    await page.getByTestId('entries').getByRole('link', { name: folder, exact: true }).click();
    await page.waitForURL(new RegExp(`/${folder.slice(0, -1)}\\?at=`));
  }
  await shot('07-tree-folder-at-0107');
  await page.getByTestId('entries').getByRole('link', { name: 'web.yaml', exact: true }).click();
  const file = (await page.getByTestId('file').textContent()) ?? '';
  assert.match(file, /image: registry\.example\.com\/web:1\.27/);
  assert.match(file, /replicas: 2/);
  await shot('08-tree-file-at-0107');

  // Now it is gone.
  const now = await page.goto(`${base}/tree/${DEPLOYMENT}`);
  assert.equal(now?.status(), 404);

  // The sources page lists both live sources, and the mirror under its own heading.
  await page.goto(`${base}/sources`);
  const live = (await page.getByTestId('sources').textContent()) ?? '';
  assert.match(live, /cloudtrail\/111122223333\/eu-west-1\s*lagging/);
  assert.doesNotMatch(live, /mirror\/audit/);
  await page.getByRole('heading', { name: 'Mirrors' }).waitFor();
  assert.match((await page.getByTestId('mirrors').textContent()) ?? '', /mirror\/audit\s*up\s*2026-03-02 01:32:00/);
  await shot('09-sources');
});

test(
  'a generic event author, asserted by its sender, ' + 'carries a claimed badge on the timeline and its commit',
  async () => {
    // Signed in by the first test (same browser profile); sign in again when run alone.
    await page.goto(`${base}/?author=gina`);
    if (page.url().includes('/login')) {
      await page.fill('#token', TOKEN);
      await page.click('button[type=submit]');
      await page.waitForURL(/author=gina/);
    }
    const rows = page.locator('[data-testid=commits] tbody tr');
    assert.equal(await rows.count(), 2, 'the two feature-flag events');
    assert.equal(await rows.locator('[data-testid=claimed]').count(), 2);
    assert.equal(await rows.first().locator('[data-testid=claimed]').textContent(), 'claimed');
    await shot('10-claimed');
    await rows.first().locator('td.subject a').click();
    await page.waitForURL(/\/commit\/[0-9a-f]{40}$/);
    assert.equal(await page.getByTestId('meta').getByTestId('claimed').count(), 1);

    // An author the apiserver told us (bob, Attribution: exact) has no badge.
    await page.goto(`${base}/?author=bob`);
    assert.ok((await page.locator('[data-testid=commits] tbody tr').count()) >= 2);
    assert.equal(await page.locator('[data-testid=claimed]').count(), 0);
  },
);
