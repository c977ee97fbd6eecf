// Mirror push time (issue 5): a 10k-file repository written by the ledger, pushed with
// isomorphic-git (the default transport) to `git http-backend` on 127.0.0.1; then 10 new
// commits pushed, with a cold object cache (first push after a restart) and a warm one (the
// mirror keeps its cache between pushes); the same pushes with `transport: git` for scale.
// Runs on its own: `node bench/mirror.ts` (BENCH_DIR, BENCH_FILES, BENCH_ROUNDS).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeRecord } from '../src/domain/change.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { kubernetesPath } from '../src/normalise/paths.ts';
import { pushBranch } from '../src/mirror/push.ts';
import { GitHttpServer } from '../test/fakes/git-http-backend.ts';
import { random } from './workload.ts';

const work = process.env['BENCH_DIR'] ?? join(import.meta.dirname, '..', 'bench-output', 'mirror');
const files = Number(process.env['BENCH_FILES'] ?? 10_000);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const NEW_COMMITS = 10;
const credentials = { username: 'x-access-token', password: 'bench-token' };
const rand = random(5);
let version = 0;

function record(index: number): ChangeRecord {
  version += 1;
  const name = `app-${index}`;
  const namespace = `team-${index % 100}`;
  const data = Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [`SETTING_${i}`, `value-${Math.floor(rand() * 1e9)}`]),
  );
  return {
    eventId: `bench-${version}`,
    branch: 'main',
    path: kubernetesPath({ cluster: 'bench', namespace, group: 'core', resource: 'configmaps', name }),
    update: {
      kind: 'put',
      doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { app: name } }, data },
    },
    author: { name: `user${index % 25}@example.com`, email: `user${index % 25}@example.com` },
    time: Date.parse('2026-01-01T00:00:00Z') + version * 1000,
    subject: `update configmaps ${namespace}/${name}`,
    trailers: [
      ['Source', 'bench'],
      ['Event-ID', `bench-${version}`],
    ],
    source: 'bench',
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const ledger = await Ledger.open({ dataDir: join(work, 'data') });
for (let index = 0; index < files; index += 1) await ledger.apply({ record: record(index) });
await ledger.flush();
const server = await GitHttpServer.start(join(work, 'server'), credentials);
server.createRepository('iso');
server.createRepository('cli');
const push = (cache: object) =>
  pushBranch({
    gitdir: ledger.gitdir,
    url: server.url('iso'),
    branch: 'main',
    ...credentials,
    token: credentials.password,
    cache,
  });
// transport: git (the git CLI through src/mirror/push-git.ts).
const cliPush = async () => {
  const result = await pushBranch({
    transport: 'git',
    gitdir: ledger.gitdir,
    url: server.url('cli'),
    branch: 'main',
    ...credentials,
    token: credentials.password,
    cache: {},
  });
  if (result.kind !== 'pushed') throw new Error(`git push: ${JSON.stringify(result)}`);
};

const warm = {};
const initial = await timed(() => push(warm));
if (initial.result.kind !== 'pushed') throw new Error(`initial push: ${JSON.stringify(initial.result)}`);
const initialCli = await timed(cliPush);
const cold: number[] = [];
const warmed: number[] = [];
const cli: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  for (let i = 0; i < NEW_COMMITS; i += 1) await ledger.apply({ record: record(Math.floor(rand() * files)) });
  await ledger.flush();
  // Alternate which one goes first so neither always pays for a cold page cache.
  const isoFirst = round % 2 === 0;
  if (!isoFirst) cli.push((await timed(cliPush)).ms);
  const run = await timed(() => push(round === 0 ? {} : warm));
  if (run.result.kind !== 'pushed') throw new Error(`push: ${JSON.stringify(run.result)}`);
  (round === 0 ? cold : warmed).push(run.ms);
  if (isoFirst) cli.push((await timed(cliPush)).ms);
}
// Cold-cache pushes of 10 commits: a fresh cache each time, as after a restart.
for (let round = 1; round < rounds; round += 1) {
  for (let i = 0; i < NEW_COMMITS; i += 1) await ledger.apply({ record: record(Math.floor(rand() * files)) });
  await ledger.flush();
  const run = await timed(() => push({}));
  cold.push(run.ms);
  await cliPush();
}
await server.close();
await ledger.close();

const figures = {
  files,
  rounds,
  initialPushMs: Math.round(initial.ms),
  initialCliPushMs: Math.round(initialCli.ms),
  tenCommitsColdCacheMs: Math.round(median(cold)),
  tenCommitsWarmCacheMs: Math.round(median(warmed)),
  tenCommitsGitCliMs: Math.round(median(cli)),
};
console.log(
  `mirror push, ${files}-file repository, isomorphic-git to git http-backend on 127.0.0.1 (median of ${rounds}):`,
);
console.log(
  `  initial push of main          ${String(figures.initialPushMs).padStart(6)} ms   (transport git: ` +
    `${figures.initialCliPushMs} ms)`,
);
console.log(`  10 new commits, cold cache    ${String(figures.tenCommitsColdCacheMs).padStart(6)} ms`);
console.log(
  `  10 new commits, warm cache    ${String(figures.tenCommitsWarmCacheMs).padStart(6)} ms   (what the running ` +
    `mirror does)`,
);
console.log(`  10 new commits, transport git ${String(figures.tenCommitsGitCliMs).padStart(6)} ms`);
console.log(JSON.stringify(figures));
