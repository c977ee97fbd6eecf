// Test fixture for the viewer's in-process tests: a small real repository written by the
// ledger (hostile subjects, paths and YAML included), the index over it, and the viewer app.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangeRecord, Doc } from '../../domain/change.ts';
import { IndexDb } from '../../index/index-db.ts';
import { IndexQueries } from '../../index/queries.ts';
import { Ledger } from '../../ledger/ledger.ts';
import { RepositoryReader } from '../../ledger/reader.ts';
import type { SourceStatus } from '../../sources/source.ts';
import { ViewerConfig } from '../../config/viewer.ts';
import { createViewerRoutes, type ViewerApp, type ViewerDeps } from './viewer.ts';
import { dataFolder } from '../../domain/data-folder.ts';

export const TOKEN = 'fixture-token-0123456789';
export const APP_PATH = 'kubernetes/prod/namespaces/shop/core/configmaps/app.yaml';
export const WEB_PATH = 'kubernetes/prod/namespaces/shop/apps/deployments/web.yaml';
export const XSS_PATH = 'custom/hooks/<script>alert(1)<%2Fscript>.yaml';
export const XSS_SUBJECT = 'update <img src=x onerror=alert(1)> "quoted" & more';
export const T = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00Z`);

const alice = { name: 'alice@example.com', email: 'alice@example.com' };
const bob = { name: 'bob@example.com', email: 'bob@example.com' };
const mallory = { name: '"><script>alert(2)</script>', email: 'mallory@evil.invalid' };

const configMap = (value: string): Doc => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app', namespace: 'shop' },
  data: { 'app.conf': `# app config\nworkers: ${value}\nlisten: 8080\n` },
});

function record(
  over: Partial<ChangeRecord> & Pick<ChangeRecord, 'eventId' | 'path' | 'update' | 'time'>,
): ChangeRecord {
  return {
    branch: 'main',
    author: alice,
    subject: 'update configmaps shop/app',
    trailers: [
      ['Source', 'kubernetes-audit'],
      ['Cluster', 'prod'],
      ['Event-ID', over.eventId],
      ['Verb', 'update'],
      ['Attribution', 'exact'],
    ],
    source: 'kubernetes-audit',
    ...over,
  };
}

/** The history the tests read, in the order the ledger applies it. */
export function fixtureRecords(): ChangeRecord[] {
  return [
    record({
      eventId: 'e1',
      path: APP_PATH,
      time: T('00:00'),
      subject: 'create configmaps shop/app',
      update: { kind: 'put', doc: configMap('2') },
    }),
    record({
      eventId: 'e2',
      path: WEB_PATH,
      time: T('00:10'),
      subject: 'create apps/deployments shop/web',
      update: {
        kind: 'put',
        doc: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'shop' },
          spec: { replicas: 2 },
        },
      },
    }),
    record({
      eventId: 'e3',
      path: APP_PATH,
      time: T('01:00'),
      author: bob,
      update: { kind: 'put', doc: configMap('4') },
    }),
    record({
      eventId: 'e4',
      path: XSS_PATH,
      time: T('01:30'),
      author: mallory,
      subject: XSS_SUBJECT,
      source: 'generic/hooks',
      trailers: [
        ['Source', 'generic/hooks'],
        ['Event-ID', 'e4'],
        ['Note', '<b>bold</b>'],
        ['Attribution', 'claimed'],
      ],
      update: { kind: 'put', doc: { html: '<script>alert(3)</script>', link: 'javascript:alert(4)' } },
    }),
    record({
      eventId: 'e5',
      path: WEB_PATH,
      time: T('02:00'),
      author: bob,
      subject: 'delete apps/deployments shop/web',
      update: { kind: 'delete' },
    }),
    record({
      eventId: 'e6',
      branch: 'activity',
      path: 'activity/kubernetes-audit/2026/03/02/02/e6.yaml',
      time: T('02:30'),
      author: mallory,
      subject: 'delete secrets kube-system/token (403)',
      update: { kind: 'put', doc: { verb: 'delete', code: 403 } },
    }),
  ];
}

export interface Fixture {
  readonly dir: string;
  readonly gitdir: string;
  readonly deps: ViewerDeps;
  readonly app: ViewerApp;
  /** The sha of each fixture event, by event id. */
  readonly shas: ReadonlyMap<string, string>;
  close(): void;
}

export const SOURCES: readonly SourceStatus[] = [
  { id: 'kubernetes-watch/prod', state: 'up', lastSuccessAt: T('02:59') },
  { id: 'cloudtrail/111122223333/eu-west-1', state: 'failing', lastError: 'AccessDenied <script>', lagSeconds: 120 },
];

export async function buildFixture(
  over: Partial<ViewerDeps> = {},
  config: Partial<ViewerConfig> = {},
): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'gitrail-viewer-'));
  const ledger = await Ledger.open({ dataDir: dir, now: () => T('03:00') });
  const shas = new Map<string, string>();
  for (const change of fixtureRecords()) {
    const result = await ledger.apply({ record: change });
    if (result.sha) shas.set(change.eventId, result.sha);
  }
  await ledger.close();
  const index = new IndexDb(dataFolder(dir).index, { readOnly: true });
  const gitdir = dataFolder(dir).repo;
  const deps: ViewerDeps = {
    queries: new IndexQueries(index.db),
    reader: new RepositoryReader(gitdir),
    config: ViewerConfig.parse({ pageSize: 2, ...config }),
    status: () => SOURCES,
    env: { GITRAIL_VIEW_TOKEN: TOKEN },
    now: () => T('03:00'),
    ...over,
  };
  return {
    dir,
    gitdir,
    deps,
    app: createViewerRoutes(deps),
    shas,
    close() {
      index.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const bearer = { Authorization: `Bearer ${TOKEN}` };
