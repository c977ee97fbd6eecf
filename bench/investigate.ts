// The investigator on a long history: builds (or reuses) a data folder of 100k commits over
// ~10k resources spread over a year (ending now) with the ledger, then times the real CLI:
// `changes --since 1d`, `blame` and `log` of a hot file, `show --at`, and `--repo` on a clone
// (first run builds the derived index). Median of 5 spawns each.
// `node bench/investigate.ts [--commits N] [--resources N] [--runs N] [--fresh]`
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { random } from '../test/helpers/random.ts';
import type { ChangeRecord, Doc } from '../src/domain/change.ts';
import { Ledger } from '../src/ledger/ledger.ts';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '100000' },
    resources: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    fresh: { type: 'boolean', default: false },
    out: { type: 'string', default: join(import.meta.dirname, '..', 'bench-output', 'investigate') },
  },
});
const COMMITS = Number(values.commits);
const RESOURCES = Number(values.resources);
const RUNS = Number(values.runs);
const HOT = 20;
const YEAR = 365 * 86_400_000;
const GITRAIL = join(import.meta.dirname, '..', 'bin', 'gitrail.js');
const DATA = join(values.out, 'data');
const CLONE = join(values.out, 'clone');

interface Resource {
  readonly path: string;
  readonly kind: 'deployment' | 'configmap' | 'role';
  readonly name: string;
  readonly namespace: string;
}

function resource(n: number): Resource {
  const cluster = n % 2 === 0 ? 'prod' : 'staging';
  const namespace = `team-${n % 50}`;
  if (n % 5 === 4)
    return { path: `aws/111122223333/global/iam/Role/role-${n}.yaml`, kind: 'role', name: `role-${n}`, namespace };
  if (n % 5 === 3)
    return {
      path: `kubernetes/${cluster}/namespaces/${namespace}/core/configmaps/config-${n}.yaml`,
      kind: 'configmap',
      name: `config-${n}`,
      namespace,
    };
  return {
    path: `kubernetes/${cluster}/namespaces/${namespace}/apps/deployments/app-${n}.yaml`,
    kind: 'deployment',
    name: `app-${n}`,
    namespace,
  };
}

/** A realistic document whose fields move with the version: replicas, image, env, policy actions. */
function documentOf(target: Resource, version: number): Doc {
  if (target.kind === 'role') {
    const actions = ['s3:GetObject', 's3:PutObject', 'dynamodb:GetItem', 'dynamodb:Query', 'sqs:SendMessage'].slice(
      0,
      1 + (version % 5),
    );
    return {
      arn: `arn:aws:iam::111122223333:role/${target.name}`,
      calls: {
        PutRolePolicy: { eventID: `e-${version}`, requestParameters: { policyName: 'app', roleName: target.name } },
      },
      configuration: {
        inlinePolicies: {
          app: { Statement: [{ Action: actions, Effect: 'Allow', Resource: '*' }], Version: '2012-10-17' },
        },
        path: '/',
      },
      id: target.name,
      resourceType: 'Role',
    };
  }
  if (target.kind === 'configmap') {
    const lines = Array.from({ length: 20 }, (_, i) => `key${i} = ${i % 4 === version % 4 ? version : i}`);
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: target.name, namespace: target.namespace },
      data: { 'app.properties': `${lines.join('\n')}\n`, LOG_LEVEL: version % 2 ? 'info' : 'debug' },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: target.name, namespace: target.namespace, labels: { app: target.name, team: target.namespace } },
    spec: {
      replicas: 2 + (version % 4),
      selector: { matchLabels: { app: target.name } },
      template: {
        metadata: { labels: { app: target.name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: `registry.example.com/${target.name}:1.${Math.floor(version / 3)}.${version % 3}`,
              env: [{ name: 'MODE', value: version % 7 === 0 ? 'safe' : 'normal' }],
              ports: [{ containerPort: 8080 }],
              resources: { limits: { memory: `${256 + (version % 3) * 128}Mi` } },
            },
            { name: 'proxy', image: 'envoyproxy/envoy:v1.30.1' },
          ],
        },
      },
    },
  };
}

async function build(end: number): Promise<void> {
  rmSync(values.out, { recursive: true, force: true });
  const started = performance.now();
  const ledger = await Ledger.open({ dataDir: DATA, flushEvery: 2000 });
  const rand = random(7);
  const versions = new Int32Array(RESOURCES);
  const users = Array.from({ length: 300 }, (_, i) => `user-${i}@example.com`);
  for (let i = 0; i < COMMITS; i += 1) {
    // 20% of the changes hit 20 hot resources (ledger-performance.md's change stream).
    const n = rand() < 0.2 ? Math.floor(rand() * HOT) : Math.floor(rand() * RESOURCES);
    versions[n] = (versions[n] as number) + 1;
    const target = resource(n);
    const user = users[Math.floor(rand() * users.length)] as string;
    const isAws = target.kind === 'role';
    const record: ChangeRecord = {
      eventId: `bench-${i}`,
      branch: 'main',
      path: target.path,
      update: { kind: 'put', doc: documentOf(target, versions[n] as number) },
      author: { name: user, email: user },
      time: end - YEAR + Math.floor(((i + 1) * YEAR) / COMMITS),
      subject: isAws
        ? `iam:PutRolePolicy Role ${target.name}`
        : `patch ${target.kind === 'deployment' ? 'apps/deployments' : 'configmaps'} ` +
          `${target.namespace}/${target.name}`,
      trailers: [
        ['Source', isAws ? 'cloudtrail' : 'kubernetes-audit'],
        ['Event-ID', `bench-${i}`],
        ['Attribution', 'exact'],
      ],
      source: isAws ? 'cloudtrail' : 'kubernetes-audit',
    };
    await ledger.apply({ record });
    if ((i + 1) % 10_000 === 0)
      console.log(`  ${i + 1} commits, ${Math.round(((i + 1) / (performance.now() - started)) * 1000)}/s`);
  }
  await ledger.close();
  writeFileSync(join(values.out, 'bench.json'), JSON.stringify({ commits: COMMITS, resources: RESOURCES, end }));
  console.log(`built ${COMMITS} commits in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function time(args: readonly string[], script = GITRAIL): { ms: number; bytes: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, script ? [script, ...args] : args, {
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`gitrail ${args.join(' ')} failed (${result.status}): ${result.stderr.toString()}`);
  return { ms, bytes: result.stdout.length };
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function measure(label: string, args: readonly string[], script = GITRAIL): void {
  const runs = Array.from({ length: RUNS }, () => time(args, script));
  console.log(
    `${label.padEnd(52)} median ${median(runs.map((run) => run.ms))
      .toFixed(0)
      .padStart(5)} ms  [${runs.map((run) => run.ms.toFixed(0)).join(', ')}]  ${runs[0]?.bytes ?? 0} bytes out`,
  );
}

function gitMs(args: readonly string[]): number {
  return median(
    Array.from({ length: RUNS }, () => {
      const started = performance.now();
      execFileSync('git', ['--git-dir', join(DATA, 'repo.git'), ...args], {
        stdio: ['ignore', 'ignore', 'inherit'],
        maxBuffer: 1 << 30,
      });
      return performance.now() - started;
    }),
  );
}

const marker = join(values.out, 'bench.json');
const stored = existsSync(marker)
  ? (JSON.parse(readFileSync(marker, 'utf8')) as { commits: number; resources: number; end: number })
  : null;
if (values.fresh || !stored || stored.commits !== COMMITS || stored.resources !== RESOURCES) await build(Date.now());
const { end } = JSON.parse(readFileSync(marker, 'utf8')) as { end: number };
// `--since 1d` counts from the real clock; on an older build, the same instant is given absolutely.
const lastDay = Date.now() - end < 3_600_000 ? '1d' : new Date(end - 86_400_000).toISOString();
const hot = resource(0);
const hotKey = `prod:${hot.namespace}/deployment/${hot.name}`;
const hotCommits = execFileSync(
  'git',
  ['--git-dir', join(DATA, 'repo.git'), 'rev-list', '--count', 'main', '--', hot.path],
  { encoding: 'utf8' },
).trim();
console.log(`data: ${DATA}, ${COMMITS} commits, hot file ${hot.path} changed in ${hotCommits} commits`);
console.log(
  `node ${process.version}, git ${execFileSync('git', ['--version'], { encoding: 'utf8' }).trim()}, median of ` +
    `${RUNS} spawns of the real CLI`,
);

const data = ['--data', DATA, '--no-pager'];
// What every run pays before it reads anything (phases of the figures below, not extra).
measure("start-up: Node alone (node -e '')", ['-e', ''], '');
measure('start-up: gitrail --help (Node and the CLI)', ['--help']);
measure('startup baseline: changes --limit 1', ['changes', '--limit', '1', ...data]);
measure(`changes --since ${lastDay === '1d' ? '1d' : '<end-1d>'} (table)`, ['changes', '--since', lastDay, ...data]);
measure('changes --since 1d -o json', ['changes', '--since', lastDay, '-o', 'json', ...data]);
measure('changes --since 1d -o diff', ['changes', '--since', lastDay, '-o', 'diff', ...data]);
measure('changes --since 1d --cluster prod -n team-0', [
  'changes',
  '--since',
  lastDay,
  '--cluster',
  'prod',
  '-n',
  'team-0',
  ...data,
]);
measure('changes --around <end-6h> --window 30m', [
  'changes',
  '--around',
  new Date(end - 6 * 3_600_000).toISOString(),
  '--window',
  '30m',
  ...data,
]);
// Blames are kept in <data>/blame-cache.db: the first blame of the file replays its whole history.
for (const suffix of ['', '-wal', '-shm']) rmSync(join(DATA, `blame-cache.db${suffix}`), { force: true });
const first = time(['blame', hotKey, ...data]);
console.log(`${'blame (hot file), first ever (no kept blame)'.padEnd(52)} once  ${first.ms.toFixed(0).padStart(5)} ms`);
measure(`blame ${hotKey} (hot file)`, ['blame', hotKey, ...data]);
measure(`blame ${hotKey} --at <end-180d>`, [
  'blame',
  hotKey,
  '--at',
  new Date(end - 180 * 86_400_000).toISOString(),
  ...data,
]);
measure('blame deploy/app-10 --cluster prod (resolved by kubectl name)', [
  'blame',
  'deploy/app-10',
  '--cluster',
  'prod',
  ...data,
]);
measure(`log ${hotKey} (hot file, all changes)`, ['log', hotKey, ...data]);
measure(`show ${hotKey} --at <end-30d>`, [
  'show',
  hotKey,
  '--at',
  new Date(end - 30 * 86_400_000).toISOString(),
  ...data,
]);
console.log(
  `for comparison, git blame main -- <hot file>: ${gitMs(['blame', 'main', '--', hot.path]).toFixed(0)} ms; git ` +
    `log -- <hot file>: ${gitMs(['log', '--format=%h', 'main', '--', hot.path]).toFixed(0)} ms`,
);

// A plain clone: the first run indexes the whole history into .git/gitrail-index.db.
rmSync(CLONE, { recursive: true, force: true });
execFileSync('git', ['clone', '--quiet', '--no-local', join(DATA, 'repo.git'), CLONE]);
const cold = time(['changes', '--since', lastDay, '--repo', CLONE, '--no-pager']);
console.log(`${'--repo clone, first run (builds the index)'.padEnd(52)} once  ${cold.ms.toFixed(0).padStart(5)} ms`);
const repo = ['--repo', CLONE, '--no-pager'];
measure('--repo clone: changes --since 1d', ['changes', '--since', lastDay, ...repo]);
measure(`--repo clone: blame ${hotKey}`, ['blame', hotKey, ...repo]);
