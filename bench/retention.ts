// Repository size over a simulated year of activity (issue 11 item 5): the real ledger with an
// injected clock writes BENCH_PER_DAY activity events (execs, denied requests) and
// BENCH_EVENTS_PER_DAY Kubernetes Events a day, a change a week, and a signed checkpoint every
// day, in monthly periods kept 400 days: once without retention rules, once with the rule
// `events` (Kubernetes Events on their own line in daily periods, kept 30 days). Sizes after
// `git gc --prune=now`. Runs on its own: `node bench/retention.ts` (BENCH_DIR, BENCH_PER_DAY,
// BENCH_EVENTS_PER_DAY, BENCH_DAYS; BENCH_RETENTION_ONLY=no-rule|events-rule-30d runs one of the two).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeActivityYear } from '../test/helpers/activity-year.ts';
import type { RetentionRuleSpec } from '../src/retention/rules.ts';

const work = process.env['BENCH_DIR'] ?? join(import.meta.dirname, '..', 'bench-output', 'retention');
const perDay = Number(process.env['BENCH_PER_DAY'] ?? 40);
const eventsPerDay = Number(process.env['BENCH_EVENTS_PER_DAY'] ?? 160);
const days = Number(process.env['BENCH_DAYS'] ?? 365);
const DAY = 86_400_000;

function git(gitdir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitdir, ...args], { encoding: 'utf8' }).trim();
}

function sizeMb(gitdir: string): number {
  git(gitdir, 'gc', '--quiet', '--prune=now');
  return Number(execFileSync('du', ['-sb', gitdir], { encoding: 'utf8' }).split('\t')[0]) / 1e6;
}

const events: RetentionRuleSpec = {
  name: 'events',
  match: { activity: 'kubernetes-event' },
  keep: 30 * DAY,
  period: 'day',
};
mkdirSync(work, { recursive: true });
console.log(
  `${days} days of ${perDay} activity events and ${eventsPerDay} Kubernetes Events a day, a change a week, ` +
    'a checkpoint a day, activity kept 400d:',
);
const figures: Record<string, { mb: number; commits: number; refs: number; seconds: number }> = {};
for (const [name, rules] of [
  ['no-rule', []],
  ['events-rule-30d', [events]],
] as const) {
  if (process.env['BENCH_RETENTION_ONLY'] && process.env['BENCH_RETENTION_ONLY'] !== name) continue;
  const dataDir = join(work, name);
  rmSync(dataDir, { recursive: true, force: true });
  const started = performance.now();
  const { checkpoints } = await writeActivityYear({
    dataDir,
    start: Date.UTC(2025, 0, 1),
    days,
    perDay,
    eventsPerDay,
    checkpointEvery: 1,
    retention: 400 * DAY,
    rules,
  });
  const seconds = (performance.now() - started) / 1000;
  const gitdir = join(dataDir, 'repo.git');
  const commits = Number(git(gitdir, 'rev-list', '--count', '--all'));
  const refs = git(gitdir, 'for-each-ref', '--format=x', 'refs/heads/', 'refs/archive/').split('\n').length;
  figures[name] = { mb: Number(sizeMb(gitdir).toFixed(1)), commits, refs, seconds: Math.round(seconds) };
  console.log(
    `  ${name.padEnd(16)} ${(figures[name] as { mb: number }).mb.toFixed(1).padStart(7)} MB after git gc, ` +
      `${commits} commits kept on ${refs} branches and archives, ${checkpoints} checkpoints, ` +
      `written in ${seconds.toFixed(0)} s`,
  );
}
console.log(JSON.stringify(figures));
