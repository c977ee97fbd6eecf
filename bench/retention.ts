// Repository size over a simulated year of activity (issue 11 item 5): the real ledger with an
// injected clock writes BENCH_PER_DAY activity events a day and a change a week, with a signed
// checkpoint every day, once keeping everything and once with monthly periods and 90 days'
// retention; sizes after the closing repack. Runs on its own: `node bench/retention.ts`
// (BENCH_DIR, BENCH_PER_DAY).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeActivityYear } from '../test/helpers/activity-year.ts';

const work = process.env['BENCH_DIR'] ?? join(import.meta.dirname, '..', 'bench-output', 'retention');
const perDay = Number(process.env['BENCH_PER_DAY'] ?? 200);
const DAY = 86_400_000;

function sizeMb(gitdir: string): number {
  execFileSync('git', ['--git-dir', gitdir, 'gc', '--quiet', '--prune=now']);
  return Number(execFileSync('du', ['-sb', gitdir], { encoding: 'utf8' }).split('\t')[0]) / 1e6;
}

mkdirSync(work, { recursive: true });
console.log(`a year of ${perDay} activity events a day, a change a week, a checkpoint a day:`);
const figures: Record<string, number> = {};
for (const [name, retention] of [
  ['keep-everything', null],
  ['retention-90d', 90 * DAY],
] as const) {
  const dataDir = join(work, name);
  rmSync(dataDir, { recursive: true, force: true });
  const started = performance.now();
  const { checkpoints } = await writeActivityYear({
    dataDir,
    start: Date.UTC(2025, 0, 1),
    days: 365,
    perDay,
    checkpointEvery: 1,
    retention,
  });
  const seconds = (performance.now() - started) / 1000;
  const gitdir = join(dataDir, 'repo.git');
  const commits = execFileSync('git', ['--git-dir', gitdir, 'rev-list', '--count', '--all'], { encoding: 'utf8' });
  figures[name] = sizeMb(gitdir);
  console.log(
    `  ${name.padEnd(16)} ${figures[name].toFixed(1).padStart(7)} MB after git gc, ${commits.trim()} commits ` +
      `kept, ${checkpoints} checkpoints, written in ${seconds.toFixed(0)} s`,
  );
}
console.log(JSON.stringify(figures));
