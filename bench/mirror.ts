// Mirror push time and bytes per transport (issues 5 and 16): a repository of BENCH_FILES
// resources written by the ledger, pushed to `git http-backend` on 127.0.0.1 with the git CLI
// (`transport: git`, the default where git is installed) and with isomorphic-git (its object
// cache kept between pushes, as a running mirror does); then BENCH_ROUNDS rounds of 10 new
// commits pushed with each (alternating which goes first). Bytes are the request bodies the
// server received (the packs). Runs on its own: `node bench/mirror.ts` (BENCH_DIR, BENCH_FILES,
// BENCH_ROUNDS).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeRecord } from '../src/domain/change.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { kubernetesPath } from '../src/normalise/paths.ts';
import { gitCliTransport } from '../src/mirror/push-git.ts';
import { isomorphicGitTransport } from '../src/mirror/push-iso.ts';
import { pushMirror, type PushTransport, type TransportName } from '../src/mirror/push.ts';
import { GitHttpServer } from '../test/fakes/git-http-backend.ts';
import { random } from './workload.ts';

const work = process.env['BENCH_DIR'] ?? join(import.meta.dirname, '..', 'bench-output', 'mirror');
const files = Number(process.env['BENCH_FILES'] ?? 10_000);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const NEW_COMMITS = 10;
const credentials = { username: 'x-access-token', password: 'bench-token' };
const TRANSPORTS: readonly TransportName[] = ['git', 'isomorphic-git'];
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

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const ledger = await Ledger.open({ dataDir: join(work, 'data') });
for (let index = 0; index < files; index += 1) await ledger.apply({ record: record(index) });
await ledger.flush();
const server = await GitHttpServer.start(join(work, 'server'), credentials);

const transports = new Map<TransportName, PushTransport>(
  TRANSPORTS.map((name) => {
    server.createRepository(name);
    const options = { gitdir: ledger.gitdir, url: server.url(name), ...credentials, token: credentials.password };
    return [
      name,
      name === 'git' ? gitCliTransport({ ...options, cache: {} }) : isomorphicGitTransport({ ...options, cache: {} }),
    ];
  }),
);

/** One push of main with `name`: milliseconds and bytes uploaded. */
async function push(name: TransportName): Promise<{ ms: number; bytes: number }> {
  const before = server.exchanges.length;
  const started = performance.now();
  const attempt = await pushMirror(transports.get(name) as PushTransport, ledger.gitdir, ['main']);
  const ms = performance.now() - started;
  if (attempt.failure || attempt.results.some((result) => result.kind !== 'pushed'))
    throw new Error(`${name} push: ${JSON.stringify(attempt)}`);
  const bytes = server.exchanges.slice(before).reduce((sum, exchange) => sum + exchange.bodyBytes, 0);
  return { ms, bytes };
}

const initial = new Map<TransportName, { ms: number; bytes: number }>();
for (const name of TRANSPORTS) initial.set(name, await push(name));
const increments = new Map<TransportName, Array<{ ms: number; bytes: number }>>(TRANSPORTS.map((name) => [name, []]));
for (let round = 0; round < rounds; round += 1) {
  for (let i = 0; i < NEW_COMMITS; i += 1) await ledger.apply({ record: record(Math.floor(rand() * files)) });
  await ledger.flush();
  // Alternate which goes first, so neither always pays for a cold page cache.
  for (const name of round % 2 === 0 ? TRANSPORTS : [...TRANSPORTS].reverse())
    increments.get(name)?.push(await push(name));
}
await server.close();
await ledger.close();

const kb = (bytes: number) => Math.round(bytes / 1024);
const figures = Object.fromEntries(
  TRANSPORTS.map((name) => {
    const first = initial.get(name) as { ms: number; bytes: number };
    const rows = increments.get(name) ?? [];
    return [
      name,
      {
        initialPushMs: Math.round(first.ms),
        initialPushKB: kb(first.bytes),
        tenCommitsMs: Math.round(median(rows.map((row) => row.ms))),
        tenCommitsKB: kb(median(rows.map((row) => row.bytes))),
      },
    ];
  }),
);
console.log(`mirror push of main, ${files}-file repository, to git http-backend on 127.0.0.1 (median of ${rounds}):`);
console.log('transport        first push ms  first push KB  10 commits ms  10 commits KB');
for (const [name, row] of Object.entries(figures))
  console.log(
    `${name.padEnd(16)} ${String(row.initialPushMs).padStart(13)} ${String(row.initialPushKB).padStart(14)} ` +
      `${String(row.tenCommitsMs).padStart(14)} ${String(row.tenCommitsKB).padStart(14)}`,
  );
console.log(JSON.stringify({ files, rounds, ...figures }));
