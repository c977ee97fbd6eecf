// Viewer latency on a large history: builds (or reuses) a repository of 100k commits over ~10k
// resources with the ledger, then measures p50/p99 of the history, blame, filtered timeline
// and tree API calls, in process through the viewer's routes.
// `node bench/viewer.ts [--commits N] [--data DIR] [--only blame,history]`.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChangeRecord } from '../src/domain/change.ts';
import { BlameStore } from '../src/index/blame-store.ts';
import { IndexDb } from '../src/index/index-db.ts';
import { IndexQueries } from '../src/index/queries.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { RepositoryReader } from '../src/ledger/reader.ts';
import { createViewerRoutes } from '../src/server/routes/viewer.ts';
import { ViewerConfig } from '../src/config/viewer.ts';
import { random } from './workload.ts';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '100000' },
    resources: { type: 'string', default: '10000' },
    samples: { type: 'string', default: '200' },
    /** Only the calls whose name starts with one of these words (comma-separated), e.g. `blame,history`. */
    only: { type: 'string', default: '' },
    data: { type: 'string', default: join(import.meta.dirname, '..', 'bench-output', 'viewer') },
  },
});
const COMMITS = Number(values.commits);
const RESOURCES = Number(values.resources);
const SAMPLES = Number(values.samples);
const HOT = 10;
const START = Date.parse('2026-01-01T00:00:00Z');
const TOKEN = 'bench-token-0123456789abcdef';

function resourcePath(n: number): string {
  if (n % 5 === 4) return `aws/111122223333/eu-west-1/ec2/SecurityGroup/sg-${n.toString(16).padStart(8, '0')}.yaml`;
  return `kubernetes/bench/namespaces/ns-${n % 100}/core/configmaps/cm-${n}.yaml`;
}

function changeRecord(i: number, rand: () => number, versions: Int32Array): ChangeRecord {
  const n = i % 10 === 0 ? Math.floor(rand() * HOT) : Math.floor(rand() * RESOURCES);
  const version = (versions[n] = (versions[n] ?? 0) + 1);
  const path = resourcePath(n);
  const user = `user-${Math.floor(rand() * 200)}`;
  const isAws = path.startsWith('aws/');
  const fields: Record<string, string> = {};
  // Twelve fields; each change rewrites a few of them, so blame mixes many commits.
  for (let f = 0; f < 12; f += 1)
    fields[`field-${f}`] = `v${f % 3 === version % 3 || version === 1 ? version : Math.max(1, version - (f % 3))}`;
  return {
    eventId: `bench-${i}`,
    branch: 'main',
    path,
    update: {
      kind: 'put',
      doc: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm-${n}`, namespace: `ns-${n % 100}` },
        data: fields,
      },
    },
    author: { name: user, email: `${user}@example.com` },
    time: START + i * 1000,
    subject: `${isAws ? 'ec2:ModifySecurityGroupRules SecurityGroup' : 'update configmaps'} ${n}`,
    trailers: [
      ['Source', isAws ? 'cloudtrail' : 'kubernetes-audit'],
      ['Event-ID', `bench-${i}`],
      ['Attribution', 'exact'],
    ],
    source: isAws ? 'cloudtrail' : 'kubernetes-audit',
  };
}

async function buildRepository(dataDir: string): Promise<void> {
  const marker = join(dataDir, 'bench.json');
  const wanted = JSON.stringify({ commits: COMMITS, resources: RESOURCES, version: 1 });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) {
    console.log(`reusing ${dataDir}`);
    return;
  }
  rmSync(dataDir, { recursive: true, force: true });
  const started = performance.now();
  const ledger = await Ledger.open({ dataDir, flushEvery: 2000, now: () => START + COMMITS * 1000 });
  const rand = random(42);
  const versions = new Int32Array(RESOURCES);
  for (let i = 0; i < COMMITS; i += 1) {
    await ledger.apply({ record: changeRecord(i, rand, versions) });
    if ((i + 1) % 10_000 === 0)
      console.log(`  ${i + 1} commits, ${Math.round((i + 1) / ((performance.now() - started) / 1000))}/s`);
  }
  await ledger.close();
  writeFileSync(marker, wanted);
  console.log(`built ${COMMITS} commits in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  const dataDir = values.data;
  await buildRepository(dataDir);
  const index = new IndexDb(join(dataDir, 'index.db'), { readOnly: true });
  // Blames kept on disk start empty on every run: the warm-up calls fill them.
  const storePath = join(dataDir, 'blame-cache.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${storePath}${suffix}`, { force: true });
  const blameStore = new BlameStore(storePath);
  const deps = {
    blameStore,
    queries: new IndexQueries(index.db),
    reader: new RepositoryReader(join(dataDir, 'repo.git')),
    config: ViewerConfig.parse({}),
    status: () => [],
    env: { GITRAIL_VIEW_TOKEN: TOKEN },
  };
  let app = createViewerRoutes(deps);
  const headers = { Authorization: `Bearer ${TOKEN}` };
  const rand = random(7);
  const file = () => resourcePath(Math.floor(rand() * RESOURCES));
  const instant = () => new Date(START + Math.floor(rand() * COMMITS) * 1000).toISOString();
  // `cold`: a new viewer (empty memory cache; blames kept on disk stay) for every sample;
  // `empty`: a new viewer and an empty store too (the first blame of a file ever).
  const calls: Array<[string, () => string, ('cold' | 'empty')?]> = [
    ['history (file, first page)', () => `/api/history?path=${file()}`],
    ['history (hot file, ~1% of commits)', () => `/api/history?path=${resourcePath(Math.floor(rand() * HOT))}`],
    ['blame (file, now)', () => `/api/blame?path=${file()}`],
    ['blame (file, now, new viewer)', () => `/api/blame?path=${file()}`, 'cold'],
    [
      'blame (hot file, ~1000 versions, new viewer)',
      () => `/api/blame?path=${resourcePath(Math.floor(rand() * HOT))}`,
      'cold',
    ],
    [
      'blame (hot file, never blamed: empty store)',
      () => `/api/blame?path=${resourcePath(Math.floor(rand() * HOT))}`,
      'empty',
    ],
    [
      'blame (hot file at a time, new viewer)',
      () => `/api/blame?path=${resourcePath(Math.floor(rand() * HOT))}&at=${instant()}`,
      'cold',
    ],
    ['blame (hot file, ~1000 versions, warm cache)', () => `/api/blame?path=${resourcePath(Math.floor(rand() * HOT))}`],
    ['blame (file, at a time)', () => `/api/blame?path=${file()}&at=${instant()}`],
    ['timeline (no filter)', () => '/api/commits'],
    ['timeline ?author=', () => `/api/commits?author=user-${Math.floor(rand() * 200)}`],
    [
      'timeline ?path= (namespace)',
      () => `/api/commits?path=kubernetes/bench/namespaces/ns-${Math.floor(rand() * 100)}/`,
    ],
    ['timeline ?source=cloudtrail', () => '/api/commits?source=cloudtrail'],
    ['timeline ?q= (rare text)', () => `/api/commits?q=configmaps%20${Math.floor(rand() * RESOURCES)}`],
    [
      'timeline ?since=&until= (1 h)',
      () => {
        const at = START + Math.floor(rand() * (COMMITS - 3600)) * 1000;
        return `/api/commits?since=${new Date(at).toISOString()}&until=${new Date(at + 3_600_000).toISOString()}`;
      },
    ],
    [
      'timeline ?author=&path= (rare combination)',
      () =>
        `/api/commits?author=user-${Math.floor(rand() * 200)}` +
        `&path=kubernetes/bench/namespaces/ns-${Math.floor(rand() * 100)}/`,
    ],
    [
      'file at a time',
      () => `/api/files?path=${resourcePath(HOT + Math.floor(rand() * (RESOURCES - HOT)))}&at=${instant()}`,
    ],
    [
      'tree of a namespace at a time',
      () => `/api/tree?path=kubernetes/bench/namespaces/ns-${Math.floor(rand() * 100)}&at=${instant()}`,
    ],
    ['tree of the root at a time', () => `/api/tree?at=${instant()}`],
    [
      'tree of a namespace now (git)',
      () => `/api/tree?path=kubernetes/bench/namespaces/ns-${Math.floor(rand() * 100)}`,
    ],
  ];
  console.log(`\n${COMMITS} commits, ${RESOURCES} resources; ${SAMPLES} samples per call, in process (app.request)\n`);
  // Every hot file was blamed once before (by an earlier viewer): its blame is kept on disk.
  for (let n = 0; n < HOT; n += 1) await app.request(`/api/blame?path=${resourcePath(n)}`, { headers });
  console.log('call'.padEnd(46), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'max ms'.padStart(8));
  const only = values.only.split(',').filter(Boolean);
  for (const [name, url, cache] of calls) {
    if (only.length > 0 && !only.some((word) => name.startsWith(word))) continue;
    for (let i = 0; i < 5; i += 1) await app.request(url(), { headers });
    const times: number[] = [];
    // The first blame of a busy file replays ~1,000 commits: fewer samples.
    for (let i = 0; i < (cache === 'empty' ? Math.min(SAMPLES, 50) : SAMPLES); i += 1) {
      if (cache === 'cold') app = createViewerRoutes(deps);
      if (cache === 'empty') app = createViewerRoutes({ ...deps, blameStore: new BlameStore(':memory:') });
      const target = url();
      const started = performance.now();
      const res = await app.request(target, { headers });
      await res.arrayBuffer();
      times.push(performance.now() - started);
      if (res.status !== 200 && res.status !== 404) throw new Error(`${target}: HTTP ${res.status}`);
    }
    times.sort((a, b) => a - b);
    console.log(
      name.padEnd(46),
      percentile(times, 50).toFixed(1).padStart(8),
      percentile(times, 99).toFixed(1).padStart(8),
      (times.at(-1) as number).toFixed(1).padStart(8),
    );
  }
  blameStore.close();
  index.close();
}

await main();
