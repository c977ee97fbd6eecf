// Keeps the repository healthy (ledger-performance.md §4, §8.3): rolls the writer's small
// packs into bigger ones with deltas, and keeps git's commit-graph with changed-path Bloom
// filters current so users' `git log -- <path>` and `git blame` stay fast. Run by the single
// writer between flushes, never concurrently with one, so no pack is dropped before its ref moves.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from './git-cli.ts';

export function countPacks(gitdir: string): number {
  return readdirSync(join(gitdir, 'objects', 'pack')).filter((name) => name.endsWith('.idx')).length;
}

export interface MaintenanceReport {
  readonly packsBefore: number;
  readonly packsAfter: number;
  readonly millis: number;
}

export async function maintainRepository(gitdir: string): Promise<MaintenanceReport> {
  const started = performance.now();
  const packsBefore = countPacks(gitdir);
  if (packsBefore > 1) await runGit(gitdir, ['repack', '-d', '-q', '--geometric=2']);
  await runGit(gitdir, ['commit-graph', 'write', '--reachable', '--changed-paths', '--split', '--no-progress']);
  return { packsBefore, packsAfter: countPacks(gitdir), millis: performance.now() - started };
}
