// `npm run bench`: every benchmark of the project, one after the other, with a summary table.
// BENCH_SIZES=10000,100000 (resources) and BENCH_DIR choose the workload and the work folder.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runLedgerBench } from './ledger.ts';

const work = process.env['BENCH_DIR'] ?? join(import.meta.dirname, '..', 'bench-output');
const sizes = (process.env['BENCH_SIZES'] ?? '10000,100000').split(',').map(Number);
mkdirSync(work, { recursive: true });

const fmt = (value: number | null, digits = 0) => (value === null ? '-' : value.toFixed(digits));
const ledger = await runLedgerBench(join(work, 'ledger'), sizes);
console.log(
  '\ningest (input file → commit: normalise + YAML + ledger), one commit per event; repo size after the closing repack',
);
console.log(
  'workload        events   events/s  fast-import/s  ratio  p50 ms  p99 ms  peak RSS MB  repo MB  repack s  ' +
    'fast-import MB  git log -- path ms  git blame ms',
);
for (const row of ledger) {
  console.log(
    `${row.name.padEnd(14)} ${String(row.events).padStart(7)} ${fmt(row.eventsPerSecond).padStart(10)} ` +
      `${fmt(row.fastImportPerSecond).padStart(14)} ${fmt(row.ratio, 2).padStart(6)} ` +
      `${fmt(row.commitP50Ms, 3).padStart(7)} ${fmt(row.commitP99Ms, 2).padStart(7)} ` +
      `${fmt(row.peakRssMb).padStart(12)} ${fmt(row.repoMb, 1).padStart(8)} ${fmt(row.maintenanceSeconds, 1).padStart(9)} ${fmt(row.fastImportRepoMb, 1).padStart(15)} ${fmt(row.gitLogPathMs, 1).padStart(19)} ${fmt(row.gitBlameMs, 1).padStart(13)}`,
  );
}
const results: Record<string, unknown> = { ledger };

// The other parts' benchmarks, each runnable on its own.
for (const name of ['intake', 'viewer', 'investigate', 'mirror', 'sources', 'signing', 'retention']) {
  const script = join(import.meta.dirname, `${name}.ts`);
  if (!existsSync(script)) continue;
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
