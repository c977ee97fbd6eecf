// The backfill benchmark (issue 12): the whole wait of `gitrail ingest`, from input files to a
// maintained repository, against `git fast-import` of the same commits followed by
// `git commit-graph write --reachable --changed-paths` (the reference). Both are timed as whole
// processes in the same run, alternating, with peak RSS, sizes and read timings of both. The
// fast-import stream is `git fast-export` of our repository, made beforehand and not timed.
// A ratio is printed only when both wrote the same commits (count and every head's tree).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  databaseMb,
  gitOut,
  hasBloom,
  loadAverage,
  median,
  medianMs,
  packCount,
  sizeMb,
  timeProcess,
  type ProcessRun,
} from './measure.ts';
import { writeAuditWorkload, writeCloudTrailWorkload } from './workload.ts';

const GITRAIL = join(import.meta.dirname, '..', 'bin', 'gitrail.js');

export interface Side {
  /** Median wall time over the runs, seconds. */
  readonly seconds: number;
  readonly samples: readonly number[];
  readonly peakRssMb: number;
  readonly repoMb: number;
  readonly packs: number;
  readonly gitLogMs: number;
  readonly gitBlameMs: number;
}

export interface IngestFigures {
  readonly workload: string;
  readonly events: number;
  readonly commits: number;
  readonly ours: Side & {
    readonly indexMb: number;
    readonly indexBytesPerCommit: number;
    readonly fsckClean: boolean | null;
    readonly commitGraphBloom: boolean;
    /** Phases as `gitrail ingest --timings` reports them (median run). */
    readonly phases: { readonly committing: number; readonly closing: number };
  };
  readonly reference: Side & { readonly phases: ReferenceRun['phases'] };
  /** Reference wall time / ours: ≥ 1 means gitrail is at least as fast. Null when the commits differ. */
  readonly ratio: number | null;
  readonly sameCommits: boolean;
  readonly mismatch?: string;
  readonly loadAverage: { readonly before: number; readonly after: number };
}

interface Workload {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly events: number;
  readonly hotPath: string | null;
  readonly cleanup: () => void;
}

/** The heads of a repository with their trees: equal trees mean the same content was written. */
function headTrees(gitdir: string): Map<string, string> {
  const lines = gitOut(gitdir, 'for-each-ref', '--format=%(refname) %(objectname)^{tree}', 'refs/heads').trim();
  const heads = lines === '' ? [] : lines.split('\n').map((line) => line.split(' ') as [string, string]);
  const trees =
    heads.length === 0
      ? []
      : gitOut(gitdir, 'rev-parse', ...heads.map(([, spec]) => spec))
          .trim()
          .split('\n');
  return new Map(heads.map(([ref], i) => [ref, trees[i] as string]));
}

function compareRepositories(ours: string, reference: string): string | null {
  const count = (gitdir: string) => Number(gitOut(gitdir, 'rev-list', '--count', '--all').trim());
  const [a, b] = [count(ours), count(reference)];
  if (a !== b) return `commit count differs: ${a} vs ${b}`;
  const [x, y] = [headTrees(ours), headTrees(reference)];
  for (const ref of new Set([...x.keys(), ...y.keys()]))
    if (x.get(ref) !== y.get(ref)) return `${ref} has tree ${x.get(ref)} vs ${y.get(ref)}`;
  return null;
}

function phasesOf(run: ProcessRun): { committing: number; closing: number } {
  const match = /committing ([\d.]+) s, closing ([\d.]+) s/.exec(run.stderr);
  return { committing: Number(match?.[1] ?? Number.NaN), closing: Number(match?.[2] ?? Number.NaN) };
}

function readTimings(gitdir: string, hotPath: string | null): { gitLogMs: number; gitBlameMs: number } {
  if (!hotPath) return { gitLogMs: Number.NaN, gitBlameMs: Number.NaN };
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', gitdir, ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
  return {
    gitLogMs: medianMs(() => git('log', '--format=%h', 'main', '--', hotPath)),
    gitBlameMs: medianMs(() => git('blame', 'main', '--', hotPath)),
  };
}

/** The file changed most often on main (for workloads that do not name a hot file). */
function mostChangedPath(gitdir: string): string | null {
  const counts = new Map<string, number>();
  for (const path of gitOut(gitdir, 'log', '--format=', '--name-only', 'main').split('\n'))
    if (path) counts.set(path, (counts.get(path) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** Where every run keeps its redaction key (Secrets hash the same way only under the same key). */
const REDACTION_KEY = ['keys', 'redaction.key'] as const;

/** One run of ours on a fresh data folder; a later run reuses the first run's redaction key (`key`). */
function runOurs(data: string, workload: Workload, key?: Buffer): ProcessRun {
  rmSync(data, { recursive: true, force: true });
  if (key) {
    mkdirSync(join(data, REDACTION_KEY[0]), { recursive: true, mode: 0o700 });
    writeFileSync(join(data, ...REDACTION_KEY), key, { mode: 0o600 });
  }
  return timeProcess(process.execPath, [
    GITRAIL,
    'ingest',
    '--data',
    data,
    '--cluster',
    'bench',
    '--json',
    '--timings',
    ...workload.inputs,
  ]);
}

/** `git init`, `git fast-import` and `git commit-graph write`, as one timed sequence. */
interface ReferenceRun {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly phases: { readonly fastImport: number; readonly commitGraph: number };
}

function runReference(target: string, stream: string): ReferenceRun {
  rmSync(target, { recursive: true, force: true });
  const steps = [
    timeProcess('git', ['init', '-q', '--bare', target]),
    timeProcess('git', ['--git-dir', target, 'fast-import', '--quiet'], { stdinFile: stream }),
    timeProcess('git', [
      '--git-dir',
      target,
      'commit-graph',
      'write',
      '--reachable',
      '--changed-paths',
      '--no-progress',
    ]),
  ];
  return {
    seconds: steps.reduce((sum, step) => sum + step.seconds, 0),
    peakRssMb: Math.max(...steps.map((step) => step.peakRssMb)),
    phases: { fastImport: (steps[1] as ProcessRun).seconds, commitGraph: (steps[2] as ProcessRun).seconds },
  };
}

export function measureWorkload(work: string, workload: Workload, runs: number, fsck: boolean): IngestFigures {
  const before = loadAverage();
  const data = join(work, `data-${workload.name}`);
  const gitdir = join(data, 'repo.git');
  const target = join(work, `fast-import-${workload.name}.git`);
  const stream = join(work, `${workload.name}.fast-export`);
  const ourRuns: ProcessRun[] = [];
  const referenceRuns: ReferenceRun[] = [];
  let key: Buffer | undefined;
  for (let run = 0; run < runs; run += 1) {
    // Alternate which side goes first, so a change of load hits both alike.
    const ours = () => {
      ourRuns.push(runOurs(data, workload, key));
      key ??= readFileSync(join(data, ...REDACTION_KEY));
      if (run === 0)
        execFileSync('sh', ['-c', `git --git-dir '${gitdir}' fast-export --all --signed-tags=strip > '${stream}'`]);
    };
    if (run % 2 === 0 || run === 0) {
      ours();
      referenceRuns.push(runReference(target, stream));
    } else {
      referenceRuns.push(runReference(target, stream));
      ours();
    }
  }
  rmSync(stream, { force: true });
  const mismatch = compareRepositories(gitdir, target);
  const hotPath = workload.hotPath ?? mostChangedPath(gitdir);
  const ourSeconds = median(ourRuns.map((run) => run.seconds));
  const referenceSeconds = median(referenceRuns.map((run) => run.seconds));
  const medianRun = ourRuns.find((run) => run.seconds === ourSeconds) as ProcessRun;
  const medianReference = referenceRuns.find((run) => run.seconds === referenceSeconds) as ReferenceRun;
  const commits = Number(gitOut(gitdir, 'rev-list', '--count', '--all').trim());
  const indexMb = databaseMb(join(data, 'index.db'));
  let fsckClean: boolean | null = null;
  if (fsck) {
    try {
      execFileSync('git', ['--git-dir', gitdir, 'fsck', '--strict', '--no-progress'], { stdio: 'ignore' });
      fsckClean = true;
    } catch {
      fsckClean = false;
    }
  }
  const figures: IngestFigures = {
    workload: workload.name,
    events: workload.events,
    commits,
    ours: {
      seconds: ourSeconds,
      samples: ourRuns.map((run) => run.seconds),
      peakRssMb: Math.max(...ourRuns.map((run) => run.peakRssMb)),
      repoMb: sizeMb(gitdir),
      packs: packCount(gitdir),
      ...readTimings(gitdir, hotPath),
      indexMb,
      indexBytesPerCommit: commits > 0 ? (indexMb * 1e6) / commits : 0,
      fsckClean,
      commitGraphBloom: hasBloom(gitdir),
      phases: phasesOf(medianRun),
    },
    reference: {
      seconds: referenceSeconds,
      samples: referenceRuns.map((run) => run.seconds),
      peakRssMb: Math.max(...referenceRuns.map((run) => run.peakRssMb)),
      repoMb: sizeMb(target),
      packs: packCount(target),
      ...readTimings(target, hotPath),
      phases: medianReference.phases,
    },
    ratio: mismatch ? null : referenceSeconds / ourSeconds,
    sameCommits: mismatch === null,
    ...(mismatch ? { mismatch } : {}),
    loadAverage: { before, after: loadAverage() },
  };
  rmSync(target, { recursive: true, force: true });
  return figures;
}

export type WorkloadName = 'audit' | 'cloudtrail';

/** Runs the selected workloads: audit at each size in `sizes` (resources), and CloudTrail. */
export async function runIngestBench(
  work: string,
  options: { sizes: readonly number[]; workloads: readonly WorkloadName[]; runs: number; fsck: boolean },
  onResult: (figures: IngestFigures) => void,
): Promise<IngestFigures[]> {
  mkdirSync(work, { recursive: true });
  const results: IngestFigures[] = [];
  const run = (workload: Workload) => {
    try {
      const figures = measureWorkload(work, workload, options.runs, options.fsck);
      results.push(figures);
      onResult(figures);
    } finally {
      workload.cleanup();
    }
  };
  if (options.workloads.includes('audit'))
    for (const resources of options.sizes) {
      const audit = await writeAuditWorkload(join(work, 'input'), resources, Math.max(resources / 2, 20_000));
      run({
        name: `audit-${resources >= 1e6 ? `${resources / 1e6}M` : `${resources / 1000}k`}`,
        inputs: [audit.file],
        events: audit.events,
        hotPath: audit.hotPath,
        cleanup: () => rmSync(audit.file, { force: true }),
      });
    }
  if (options.workloads.includes('cloudtrail')) {
    const trail = writeCloudTrailWorkload(join(work, 'cloudtrail'), 2000, 20_000);
    run({
      name: 'cloudtrail-2k',
      inputs: [trail.dir],
      events: trail.records,
      hotPath: null,
      cleanup: () => rmSync(join(work, 'cloudtrail'), { recursive: true, force: true }),
    });
  }
  writeFileSync(join(work, 'last-ingest.json'), `${JSON.stringify(results, null, 2)}\n`);
  return results;
}
