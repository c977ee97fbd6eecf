// `npm run fuzz`: the fuzzing suite (test/fuzz/) with a time budget per property instead of
// `npm test`'s few cases, then a table of the cases each property tried. (Kept out of test/,
// where node --test would run it as a test.) GITRAIL_FUZZ_SECONDS (default 100) per
// property, GITRAIL_FUZZ_RUNS to fix the number of cases instead, GITRAIL_FUZZ_SEED to replay;
// `nice -n 10 npm run fuzz` leaves the machine usable. Failing cases land in regressions/.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = join(import.meta.dirname, '..', 'test', 'fuzz');
const dir = mkdtempSync(join(tmpdir(), 'gitrail-fuzz-report-'));
const report = join(dir, 'report.ndjson');
const env: NodeJS.ProcessEnv = { ...process.env, GITRAIL_FUZZ_REPORT: report };
if (!env['GITRAIL_FUZZ_RUNS'] && !env['GITRAIL_FUZZ_SECONDS']) env['GITRAIL_FUZZ_SECONDS'] = '100';
const files = readdirSync(here)
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => join(here, name));
const started = Date.now();
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=0', ...files], {
  env,
  stdio: 'inherit',
});
const code = await new Promise<number>((resolve) => child.once('exit', (exit) => resolve(exit ?? 1)));

interface Line {
  readonly property: string;
  readonly cases: number;
  readonly ms: number;
  readonly failed: boolean;
  readonly seed: number;
  readonly outcomes: Record<string, number>;
}
let lines: Line[] = [];
try {
  lines = readFileSync(report, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
rmSync(dir, { recursive: true, force: true });
const width = Math.max(...lines.map((line) => line.property.length), 8);
const cases = lines.reduce((sum, line) => sum + line.cases, 0);
process.stdout.write(`\nfuzzing: ${cases} cases in ${((Date.now() - started) / 60_000).toFixed(1)} min\n`);
process.stdout.write(
  `${'property'.padEnd(width)}  ${'cases'.padStart(9)}  ${'minutes'.padStart(7)}  result  outcomes\n`,
);
for (const line of lines.sort((a, b) => (a.property < b.property ? -1 : 1))) {
  const minutes = (line.ms / 60_000).toFixed(1).padStart(7);
  const result = line.failed ? 'FAILED' : 'ok    ';
  process.stdout.write(
    `${line.property.padEnd(width)}  ${String(line.cases).padStart(9)}  ${minutes}  ${result}  ` +
      `${JSON.stringify(line.outcomes)}\n`,
  );
}
process.exit(code);
