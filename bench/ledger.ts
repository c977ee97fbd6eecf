// Ingest benchmark (issue 2): generated Kubernetes audit workloads over 10k and 100k resources and
// a CloudTrail workload, from input file to commit (normalise + YAML + ledger), against
// `git fast-import` writing the same commits; then `git log -- <path>` and `git blame` timings.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAuditWorkload, writeCloudTrailWorkload } from './workload.ts';

export interface LedgerFigures {
  readonly name: string;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly fastImportPerSecond: number;
  readonly ratio: number;
  readonly commitP50Ms: number;
  readonly commitP99Ms: number;
  readonly peakRssMb: number;
  readonly repoMb: number;
  readonly maintenanceSeconds: number;
  readonly fastImportRepoMb: number;
  readonly gitLogPathMs: number | null;
  readonly gitBlameMs: number | null;
}

function medianMs(run: () => void, times = 5): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)] as number;
}

function duMb(path: string): number {
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]) / 1e6;
}

/** Times `git fast-import` writing the commits our ledger wrote (exported beforehand, not timed). */
function fastImport(gitdir: string, work: string): { seconds: number; repoMb: number } {
  const stream = join(work, 'fast-export.stream');
  execFileSync('sh', ['-c', `git --git-dir '${gitdir}' fast-export --all > '${stream}'`]);
  const target = join(work, 'fast-import.git');
  rmSync(target, { recursive: true, force: true });
  execFileSync('git', ['init', '-q', '--bare', target]);
  const started = performance.now();
  const result = spawnSync('sh', ['-c', `git --git-dir '${target}' fast-import --quiet < '${stream}'`]);
  if (result.status !== 0) throw new Error(`fast-import failed: ${result.stderr}`);
  const seconds = (performance.now() - started) / 1000;
  rmSync(stream);
  return { seconds, repoMb: duMb(target) };
}

function measure(
  name: string,
  work: string,
  inputs: readonly string[],
  events: number,
  hotPath: string | null,
): LedgerFigures {
  const data = join(work, `data-${name}`);
  rmSync(data, { recursive: true, force: true });
  const child = spawnSync(process.execPath, [join(import.meta.dirname, 'ingest-one.ts'), data, ...inputs], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`ingest of ${name} failed: ${child.stderr}`);
  const ours = JSON.parse(child.stdout.trim().split('\n').at(-1) as string);
  const gitdir = join(data, 'repo.git');
  const reference = fastImport(gitdir, work);
  const commits = Number(
    execFileSync('git', ['--git-dir', gitdir, 'rev-list', '--count', '--all'], { encoding: 'utf8' }),
  );
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', gitdir, ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
  return {
    name,
    events,
    eventsPerSecond: ours.eventsPerSecond,
    fastImportPerSecond: commits / reference.seconds,
    ratio: ours.eventsPerSecond / (commits / reference.seconds),
    commitP50Ms: ours.commitP50Ms,
    commitP99Ms: ours.commitP99Ms,
    peakRssMb: ours.peakRssMb,
    repoMb: ours.repoMb,
    maintenanceSeconds: ours.maintenanceSeconds,
    fastImportRepoMb: reference.repoMb,
    gitLogPathMs: hotPath ? medianMs(() => git('log', '--format=%h', 'main', '--', hotPath)) : null,
    gitBlameMs: hotPath ? medianMs(() => git('blame', 'main', '--', hotPath)) : null,
  };
}

export async function runLedgerBench(work: string, sizes: readonly number[]): Promise<LedgerFigures[]> {
  mkdirSync(work, { recursive: true });
  const results: LedgerFigures[] = [];
  for (const resources of sizes) {
    const workload = await writeAuditWorkload(join(work, 'input'), resources, Math.max(resources / 2, 20_000));
    results.push(measure(`audit-${resources / 1000}k`, work, [workload.file], workload.events, workload.hotPath));
    rmSync(workload.file);
  }
  const trail = writeCloudTrailWorkload(join(work, 'cloudtrail'), 2000, 20_000);
  results.push(measure('cloudtrail-2k', work, [trail.dir], trail.records, null));
  return results;
}
