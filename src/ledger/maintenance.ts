// Keeps the repository healthy (ledger-performance.md §4, §8.3): rolls the writer's small
// packs into bigger ones with deltas, and keeps git's commit-graph with changed-path Bloom
// filters current so users' `git log -- <path>` and `git blame` stay fast. Run by the single
// writer between flushes, never concurrently with one, so no pack is dropped before its ref moves.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { runGit } from './git-cli.ts';
import { runCommand } from './spawner.ts';
import { removeOrphanHints } from './pack-hints.ts';

export function countPacks(gitdir: string): number {
  return readdirSync(join(gitdir, 'objects', 'pack')).filter((name) => name.endsWith('.idx')).length;
}

/**
 * Bounds git's memory for repack and commit-graph: by default it maps whole packs, caches 96 MB
 * of delta bases and gives the delta search unbounded windows. At 100k resources (150k commits)
 * a full repack peaked at 700 MB RSS and a commit-graph write at 470 MB; with these, 180 MB for
 * the geometric repack and 230 MB for the commit-graph (issue 12).
 */
const BOUNDED_MEMORY = [
  '-c',
  'core.deltaBaseCacheLimit=16m',
  '-c',
  'core.packedGitWindowSize=16m',
  '-c',
  'core.packedGitLimit=128m',
  '-c',
  'pack.windowMemory=64m',
  '-c',
  'pack.deltaCacheSize=32m',
];

export interface MaintenanceReport {
  readonly full: boolean;
  /** How packs were rolled together: by pack-rollup.ts, by `git repack` (its fallback), or not at all. */
  readonly rollup: 'js' | 'git' | 'none';
  readonly packsBefore: number;
  readonly packsAfter: number;
  /** The repack or roll-up's time and the commit-graph's (side by side after a roll-up). */
  readonly repackMillis: number;
  readonly commitGraphMillis: number;
  readonly millis: number;
}

/**
 * `full`: one pack of the reachable objects. It reuses the deltas the writer stored (each tree,
 * blob and commit against its previous version, as fast-import does) and searches deltas only
 * for the objects stored whole: with `-F` git recomputed every delta by name hash, which took
 * twice as long and made a bigger pack (issue 12: 12.2 s / 44.7 MB vs 6.0 s / 40.1 MB for 30k
 * commits). Its cost grows with the history, so the ledger runs it only when the history grew
 * by half since the last one. Otherwise small packs are merely rolled together, as `git repack
 * --geometric=2` would pick them, by concatenating them (pack-rollup.ts; issue 12, 30k commits:
 * 0.8 s of CPU instead of 5.5 s, and without git's delta search for the first version of each
 * file in each pack a pack 13% bigger than git's, as big as fast-import's); git's repack only
 * when that cannot be done (a pack gitrail did not make, damage: logged).
 * Both refresh the commit-graph.
 */
export async function maintainRepository(gitdir: string, full: boolean, log?: Logger): Promise<MaintenanceReport> {
  const started = performance.now();
  const packsBefore = countPacks(gitdir);
  const commitGraph = async () => {
    await runGit(gitdir, [
      ...BOUNDED_MEMORY,
      'commit-graph',
      'write',
      '--reachable',
      '--changed-paths',
      ...(full ? [] : ['--split']),
      '--no-progress',
    ]);
    return performance.now() - graphStarted;
  };
  let graphStarted = started;
  let rollup: MaintenanceReport['rollup'];
  let repackMillis: number;
  let commitGraphMillis: number;
  if (full) {
    await runGit(gitdir, [...BOUNDED_MEMORY, 'repack', '-a', '-d', '-q']);
    rollup = 'git';
    graphStarted = performance.now();
    repackMillis = graphStarted - started;
    commitGraphMillis = await commitGraph();
  } else {
    // Side by side: the roll-up copies packs while git reads commits and trees (its Bloom
    // filters) on the other core; git finds objects in the new pack once the old ones go.
    [[rollup, repackMillis], commitGraphMillis] = await Promise.all([rollUp(gitdir, log, started), commitGraph()]);
  }
  // git's repack leaves the delta hints of the packs it replaced (pack-hints.ts).
  if (rollup === 'git') removeOrphanHints(gitdir);
  return {
    full,
    rollup,
    packsBefore,
    packsAfter: countPacks(gitdir),
    repackMillis,
    commitGraphMillis,
    millis: performance.now() - started,
  };
}

/** The roll-up runs in a process of its own, as git's repack did (pack-rollup-process.ts). */
const ROLLUP_SCRIPT = fileURLToPath(new URL('./pack-rollup-process.ts', import.meta.url));

async function rollUp(
  gitdir: string,
  log: Logger | undefined,
  started: number,
): Promise<[MaintenanceReport['rollup'], number]> {
  try {
    const { stdout, stderr, code } = await runCommand(process.execPath, [ROLLUP_SCRIPT, gitdir]);
    if (code !== 0) throw new Error(`the pack roll-up failed (exit ${code}): ${stderr.toString('utf8').trim()}`);
    return [JSON.parse(stdout.toString('utf8')) === null ? 'none' : 'js', performance.now() - started];
  } catch (error) {
    // Every pack is still in place (at worst beside a merged copy): git's repack picks them up.
    log?.warn({ err: error }, 'pack roll-up failed: rolling packs up with git repack');
    await runGit(gitdir, [...BOUNDED_MEMORY, 'repack', '-d', '-q', '--geometric=2']);
    return ['git', performance.now() - started];
  }
}

/** A full repack is due once the history grew by half (and at least 5,000 commits) since the last. */
export function isFullRepackDue(commits: number, commitsAtLastFull: number): boolean {
  return commits - commitsAtLastFull >= Math.max(5000, commitsAtLastFull / 2);
}
