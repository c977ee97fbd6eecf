// Restoring a shard before writing it (issue 14 item 3): fetch the remote, bring each local
// branch to whichever of local and remote contains the other (a local branch the remote has
// diverged from lost its unpushed commits to the owner that pushed: it is reset and the index
// rebuilt), and read where to resume: the lowest `Stream-Seq:` of the branch heads. Every batch
// after it is delivered again; the event-id dedupe drops those already committed. Checkpoint
// tags are taken from the remote as they are there, so a new writer never forks the chain.
// Retention's activity lines (`activity-<rule>`) are branches like the others; archived periods
// (`refs/archive/…`) are taken from the remote like the tags, except those a checkpoint records
// as removed by retention (the remote drops them once that checkpoint is pushed). A branch whose
// head the remote keeps in an archived period (a new period began there) is behind, not diverged.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { checkpointStatePath } from '../checkpoint/state.ts';
import type { Branch } from '../domain/change.ts';
import { runGit } from '../ledger/git-cli.ts';
import { readRef } from '../ledger/refs.ts';
import { initRepository } from '../ledger/repository.ts';
import { fetchArchives, fetchBranches, fetchCheckpointTags, type RemoteAccess } from './remote-git.ts';
import { isArchived } from '../ledger/closed-periods.ts';
import { dropRemovedArchives } from './restore-archives.ts';
import { readHeads } from './shard-activity.ts';
import type { BranchHeads } from './shard-registry.ts';

/** The trailer each commit of a shard carries: the stream sequence of the batch it came from. */
export const STREAM_SEQ_TRAILER = 'Stream-Seq';

const BRANCHES: readonly Branch[] = ['main', 'activity'];

/** A shard's branches: main, activity, then the retention rules' lines (`activity-<rule>`). */
export type ShardHeads = ReadonlyMap<string, string | null>;

export interface RestoreOptions {
  readonly gitdir: string;
  /** The shard's index.db: deleted when the history it describes was replaced. */
  readonly indexPath: string;
  readonly remote: RemoteAccess | null;
  /** The retention rules' lines this writer writes (`activity-<rule>`), restored like main and activity. */
  readonly lines?: readonly string[];
  readonly log: Logger;
}

export interface Restored {
  /** The highest stream sequence every branch reflects: writing resumes after it. */
  readonly resumeAfter: number;
  readonly heads: BranchHeads;
  /** The remote's heads as fetched; null without a remote. */
  readonly remoteHeads: BranchHeads | null;
  /** Every branch's head (main, activity, the lines), and the remote's (null without a remote). */
  readonly branches: ShardHeads;
  readonly remoteBranches: ShardHeads | null;
  /** Branches reset to the remote because the local one had diverged. */
  readonly reset: readonly string[];
}

async function isAncestor(gitdir: string, ancestor: string, of: string): Promise<boolean> {
  const { code } = await runGit(gitdir, ['merge-base', '--is-ancestor', ancestor, of], { okCodes: [0, 1] });
  return code === 0;
}

async function moveBranch(gitdir: string, branch: string, to: string, from: string | null): Promise<void> {
  await runGit(gitdir, ['update-ref', `refs/heads/${branch}`, to, from ?? '0'.repeat(40)]);
}

/** The `Stream-Seq:` of a commit; 0 when it has none (written before cluster mode). */
export async function streamSeqOf(gitdir: string, commit: string): Promise<number> {
  const { stdout } = await runGit(gitdir, [
    'log',
    '-1',
    `--format=%(trailers:key=${STREAM_SEQ_TRAILER},valueonly,separator=%x2C)`,
    commit,
  ]);
  const values = stdout
    .toString('utf8')
    .trim()
    .split(',')
    .map((value) => Number(value.trim()))
    .filter((value) => Number.isSafeInteger(value) && value >= 0);
  return values.length > 0 ? Math.max(...values) : 0;
}

/** The lowest Stream-Seq of the branch heads (branches without commits reflect everything). */
export async function resumePoint(gitdir: string, heads: BranchHeads | ShardHeads): Promise<number> {
  const values = heads instanceof Map ? [...heads.values()] : BRANCHES.map((branch) => (heads as BranchHeads)[branch]);
  const seqs = await Promise.all(values.flatMap((head) => (head ? [streamSeqOf(gitdir, head)] : [])));
  return seqs.length === 0 ? 0 : Math.min(...seqs);
}

export async function restoreShard(options: RestoreOptions): Promise<Restored> {
  const { gitdir, remote, log } = options;
  mkdirSync(dirname(gitdir), { recursive: true });
  await initRepository(gitdir);
  const reset: string[] = [];
  const names = [...BRANCHES, ...(options.lines ?? [])];
  if (remote) {
    await fetchBranches(gitdir, remote, 'remotes/origin');
    // The checkpoint chain continues from the remote's last checkpoint (issue 11 in cluster mode):
    // this folder's record of the last one it wrote may be stale, the remote's tags are not.
    await fetchCheckpointTags(gitdir, remote);
    await fetchArchives(gitdir, remote);
    await dropRemovedArchives(gitdir, log);
    rmSync(checkpointStatePath(dirname(gitdir)), { force: true });
    for (const branch of names) {
      const local = readRef(gitdir, `refs/heads/${branch}`);
      const fetched = readRef(gitdir, `refs/remotes/origin/${branch}`);
      if (fetched === null || fetched === local) continue;
      if (local !== null && (await isAncestor(gitdir, fetched, local))) {
        log.info({ branch, local, remote: fetched }, 'the local branch is ahead of the remote; it will be pushed');
        continue;
      }
      if (local !== null && !(await isAncestor(gitdir, local, fetched)) && !(await isArchived(gitdir, local))) {
        log.warn(
          { branch, local, remote: fetched },
          'the local branch diverged from the remote (another writer pushed first): reset to the remote',
        );
        reset.push(branch);
      }
      await moveBranch(gitdir, branch, fetched, local);
    }
  }
  if (reset.length > 0) {
    // The index describes commits that are no longer on the branch: it is rebuilt from the repository.
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(options.indexPath + suffix)) rmSync(options.indexPath + suffix, { force: true });
  }
  const branches = readHeads(gitdir, names);
  const remoteBranches = remote
    ? new Map(names.map((name) => [name, readRef(gitdir, `refs/remotes/origin/${name}`)] as const))
    : null;
  const heads: BranchHeads = { main: branches.get('main') ?? null, activity: branches.get('activity') ?? null };
  const remoteHeads: BranchHeads | null = remoteBranches
    ? { main: remoteBranches.get('main') ?? null, activity: remoteBranches.get('activity') ?? null }
    : null;
  return { resumeAfter: await resumePoint(gitdir, branches), heads, remoteHeads, branches, remoteBranches, reset };
}
