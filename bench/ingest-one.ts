// One measured ingest, in its own process so peak RSS belongs to it alone:
// `node bench/ingest-one.ts <data-dir> <input>…` prints one JSON line of figures.
// BENCH_UNSIGNED=1 writes unsigned commits and no checkpoint (what signing costs, bench/signing.ts).
import { execFileSync } from 'node:child_process';
import { restartProcessWithFewArenas } from '../src/ingest/malloc-arenas.ts';

// With glibc's arenas limited as `gitrail ingest` runs (bin/gitrail.js), or peak RSS would over-report.
restartProcessWithFewArenas();
const { runIngest } = await import('../src/ingest/run-ingest.ts');

const [data, ...inputs] = process.argv.slice(2);
if (!data || inputs.length === 0) throw new Error('usage: node bench/ingest-one.ts <data-dir> <input>…');
const latencies: number[] = [];
const { summary, millis } = await runIngest({
  dataDir: data,
  paths: inputs,
  cluster: 'bench',
  genericSource: 'bench',
  redactionKey: Buffer.alloc(32, 1),
  sensitiveKeys: [],
  onProblem: (file, line, reason) => process.stderr.write(`${file}:${line}: ${reason}\n`),
  onApplied: (millis) => latencies.push(millis),
  unsigned: process.env['BENCH_UNSIGNED'] === '1',
});
const seconds = millis.committing / 1000;
latencies.sort((a, b) => a - b);
const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
const repoBytes = Number(execFileSync('du', ['-sb', `${data}/repo.git`], { encoding: 'utf8' }).split('\t')[0]);
process.stdout.write(
  `${JSON.stringify({
    summary,
    seconds,
    /** CPU seconds of the whole process (every thread): steadier than wall time on a shared machine. */
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    /** CPU seconds of this thread alone, the writer's (the pace setter of an ingest). */
    writerCpuSeconds: (process.threadCpuUsage().user + process.threadCpuUsage().system) / 1e6,
    eventsPerSecond: summary.read / seconds,
    commitP50Ms: quantile(0.5),
    commitP99Ms: quantile(0.99),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    repoMb: repoBytes / 1e6,
    maintenanceSeconds: millis.closing / 1000,
  })}\n`,
);
