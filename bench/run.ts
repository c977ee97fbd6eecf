// `npm run bench [-- --compare FILE]`: every benchmark of the project, one after the other.
// Environment: BENCH_ONLY=ingest,intake,viewer,investigate,mirror,sources,eks-audit,aks-audit,signing,
// retention,managed (default: all);
// BENCH_SIZES=10000,100000 (audit workload resources; 1000000 is opt-in); BENCH_WORKLOADS=audit,cloudtrail;
// BENCH_RUNS=1 (repetitions of each whole-process measurement; medians are reported);
// BENCH_FSCK=0 skips `git fsck --strict`; BENCH_DIR is the work folder (default bench-output/).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runIngestBench, type IngestFigures, type WorkloadName } from './ingest.ts';
import { formatComparison, formatIngest } from './report.ts';

const { values } = parseArgs({ options: { compare: { type: 'string' } } });
const env = process.env;
const work = env['BENCH_DIR'] ?? join(import.meta.dirname, '..', 'bench-output');
const ALL = 'ingest,intake,viewer,investigate,mirror,sources,eks-audit,aks-audit,signing,retention,managed';
const only = (env['BENCH_ONLY'] ?? ALL).split(',');
const list = (name: string, fallback: string) => (env[name] ?? fallback).split(',').filter(Boolean);
mkdirSync(work, { recursive: true });

const results: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version, loadAverage: readFileSync('/proc/loadavg', 'utf8').trim() },
};
let ingest: IngestFigures[] = [];
if (only.includes('ingest')) {
  console.log('backfill: `gitrail ingest` vs `git fast-import` + `git commit-graph write`, whole processes\n');
  ingest = await runIngestBench(
    join(work, 'ingest'),
    {
      sizes: list('BENCH_SIZES', '10000,100000').map(Number),
      workloads: list('BENCH_WORKLOADS', 'audit,cloudtrail') as WorkloadName[],
      runs: Number(env['BENCH_RUNS'] ?? 1),
      fsck: env['BENCH_FSCK'] !== '0',
    },
    (figures) => console.log(`${formatIngest(figures)}\n`),
  );
  results['ingest'] = ingest;
}

// The other parts' benchmarks, each runnable on its own.
for (const name of [
  'intake',
  'viewer',
  'investigate',
  'mirror',
  'sources',
  'eks-audit',
  'aks-audit',
  'signing',
  'retention',
  'managed',
]) {
  const script = join(import.meta.dirname, `${name}.ts`);
  if (!only.includes(name) || !existsSync(script)) continue;
  console.log(`\n${name}:`);
  const run = spawnSync(process.execPath, [script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env: { ...process.env, BENCH_DIR: join(work, name) },
  });
  process.stdout.write(run.stdout);
  results[name] = run.status === 0 ? run.stdout : { failed: run.status };
}
writeFileSync(join(work, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nfigures written to ${join(work, 'results.json')}`);

if (values.compare) {
  const earlier = JSON.parse(readFileSync(values.compare, 'utf8')) as { ingest?: IngestFigures[] };
  console.log(`\nchange against ${values.compare}:`);
  console.log(formatComparison(earlier.ingest ?? [], ingest));
}
