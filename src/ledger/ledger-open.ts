// What opening the ledger finds and sets up before it writes: the writer lock, the signing key,
// the repository (created when missing, an interrupted writer's leftovers removed), the index
// caught up with the refs, and each branch's head, tree and activity periods.
import { mkdirSync } from 'node:fs';
import type { Branch } from '../domain/change.ts';
import { dataFolder } from '../domain/data-folder.ts';
import { IndexDb } from '../index/index-db.ts';
import { catchUpIndex } from '../index/reindex.ts';
import { loadSigning, type Signing } from '../signing/key-store.ts';
import { ActivityPeriods } from './activity-periods.ts';
import { removeCrashLeftovers } from './crash-leftovers.ts';
import { DEFAULT_COMMITTER, type LedgerOptions } from './ledger-types.ts';
import { acquireWriterLock, type WriterLock } from './lock.ts';
import { installMailmap } from './mailmap-file.ts';
import { ObjectStore } from './object-store.ts';
import { lineName } from './periods.ts';
import { readRef } from './refs.ts';
import { initRepository } from './repository.ts';
import { TreeState } from './tree-state.ts';

export interface BranchState {
  head: string | null;
  flushed: string | null;
  tree: TreeState;
  /** The periods of an activity line written in periods; null: one chain (and always for main). */
  readonly periods: ActivityPeriods | null;
}

export interface OpenedLedger {
  readonly gitdir: string;
  readonly index: IndexDb;
  readonly store: ObjectStore;
  /** By branch name: `main`, `activity` and an `activity-<rule>` line per retention rule. */
  readonly branches: Map<string, BranchState>;
  readonly lock: WriterLock;
  readonly signing: Signing | null;
}

const BRANCHES: readonly Branch[] = ['main', 'activity'];

/** Takes the writer lock and reads what the writer starts from; the lock is released again on failure. */
export async function openLedger(options: LedgerOptions): Promise<OpenedLedger> {
  mkdirSync(options.dataDir, { recursive: true });
  const lock = acquireWriterLock(dataFolder(options.dataDir).writerLock);
  try {
    const gitdir = dataFolder(options.dataDir).repo;
    const committer = options.committer ?? DEFAULT_COMMITTER;
    const signing =
      options.signing === null
        ? null
        : loadSigning(options.dataDir, {
            file: options.signing?.file ?? null,
            principal: options.signing?.principal ?? committer.email,
            now: options.now ?? Date.now,
          });
    await initRepository(gitdir);
    if (options.identities) await installMailmap(options.dataDir, options.identities);
    const leftovers = removeCrashLeftovers(gitdir, Date.now());
    if (leftovers.length > 0) options.log?.warn({ files: leftovers }, 'removed what an interrupted writer left behind');
    const index = new IndexDb(dataFolder(options.dataDir).index);
    const store = new ObjectStore(gitdir);
    const lines = options.activityLines ?? [];
    const names = [...BRANCHES, ...lines.map((line) => lineName(line.rule))];
    const heads = new Map(names.map((branch) => [branch, readRef(gitdir, `refs/heads/${branch}`)] as const));
    const added = await catchUpIndex(index, gitdir, heads);
    if (added > 0) options.log?.info({ commits: added }, 'indexed commits missing from the index');
    const branches = new Map<string, BranchState>();
    for (const [branch, head] of heads) {
      const root = head ? await store.commitTree(head) : null;
      const line = lines.find((candidate) => lineName(candidate.rule) === branch);
      const unit = line ? line.period : branch === 'activity' ? options.activityPeriod : null;
      const periods = unit ? new ActivityPeriods(unit, line?.rule ?? null) : null;
      if (head) periods?.opened(await store.readText(head));
      const tree = new TreeState(root, (oid) => store.readTree(oid));
      branches.set(branch, { head, flushed: head, tree, periods });
    }
    return { gitdir, index, store, branches, lock, signing };
  } catch (error) {
    lock.release();
    throw error;
  }
}
