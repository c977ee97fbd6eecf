// Measuring whole processes as a user waits for them: wall time from spawn to exit and peak
// RSS (GNU time's maximum resident set size, worker threads included), plus sizes on disk.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessRun {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly stdout: string;
  readonly stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs `command` to completion; throws with its stderr when it fails. */
export function timeProcess(
  command: string,
  args: readonly string[],
  options: { stdinFile?: string } = {},
): ProcessRun {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} (Debian package "time") is needed to measure peak RSS`);
  const scratch = mkdtempSync(join(tmpdir(), 'gitrail-bench-'));
  const rusage = join(scratch, 'rusage');
  const stdin = options.stdinFile ? openSync(options.stdinFile, 'r') : 'ignore';
  try {
    const started = performance.now();
    const run = spawnSync(GNU_TIME, ['-f', '%M', '-o', rusage, command, ...args], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: [stdin, 'pipe', 'pipe'],
    });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    const kb = Number(readFileSync(rusage, 'utf8').trim().split('\n').at(-1));
    return { seconds, peakRssMb: kb / 1024, stdout: run.stdout, stderr: run.stderr };
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Bytes under a path (files only, as `du -sb` counts them). */
export function sizeMb(path: string): number {
  if (!existsSync(path)) return 0;
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]) / 1e6;
}

/** An SQLite database with its WAL and shared-memory files. */
export function databaseMb(path: string): number {
  return (
    ['', '-wal', '-shm'].reduce(
      (sum, suffix) => sum + (existsSync(path + suffix) ? statSync(path + suffix).size : 0),
      0,
    ) / 1e6
  );
}

export function packCount(gitdir: string): number {
  return readdirSync(join(gitdir, 'objects', 'pack')).filter((name) => name.endsWith('.pack')).length;
}

export function gitOut(gitdir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitdir, ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The median wall time of running a quick command several times, in ms. */
export function medianMs(run: () => void, times = 5): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** The load average while the benchmark ran: the machine may be shared. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** Whether every commit-graph layer carries changed-path Bloom filters (chunks BIDX and BDAT). */
export function hasBloom(gitdir: string): boolean {
  const info = join(gitdir, 'objects', 'info');
  const chain = join(info, 'commit-graphs', 'commit-graph-chain');
  const files = existsSync(chain)
    ? readFileSync(chain, 'utf8')
        .trim()
        .split('\n')
        .map((hash) => join(info, 'commit-graphs', `graph-${hash}.graph`))
    : [join(info, 'commit-graph')];
  return files.every((file) => {
    if (!existsSync(file)) return false;
    // The chunk table follows the 8-byte header: 12 bytes per chunk, the first 4 its id.
    const head = Buffer.alloc(8 + 12 * 16);
    const fd = openSync(file, 'r');
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const table = head.toString('latin1');
    return table.includes('BIDX') && table.includes('BDAT');
  });
}
