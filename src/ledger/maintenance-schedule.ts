// When the ledger maintains its repository: beside the writer once a flush leaves `maxPacks`
// packs, and once more at close when anything was flushed since. One maintenance at a time.
import type { Logger } from 'pino';
import type { IndexDb } from '../index/index-db.ts';
import { countPacks, isFullRepackDue, maintainRepository } from './maintenance.ts';
import type { ObjectStore } from './object-store.ts';

export interface ScheduleOptions {
  readonly maxPacks?: number;
  readonly deferFullRepack?: boolean;
  readonly log?: Logger;
}

export class MaintenanceSchedule {
  readonly #gitdir: string;
  readonly #index: IndexDb;
  readonly #store: ObjectStore;
  readonly #options: ScheduleOptions;
  /** Flushes since the repository was last maintained. */
  #flushes = 0;
  #running: Promise<void> | null = null;

  constructor(gitdir: string, index: IndexDb, store: ObjectStore, options: ScheduleOptions) {
    this.#gitdir = gitdir;
    this.#index = index;
    this.#store = store;
    this.#options = options;
  }

  /** After a flush that wrote commits: starts a maintenance beside the writer when packs piled up. */
  flushed(): void {
    this.#flushes += 1;
    if (this.#running || countPacks(this.#gitdir) < (this.#options.maxPacks ?? 16)) return;
    this.#running = this.#maintain().finally(() => {
      this.#running = null;
    });
  }

  /** At close: waits for a running maintenance, then maintains what was flushed since. */
  async finish(): Promise<void> {
    await this.#running;
    if (this.#flushes > 0) await this.#maintain();
  }

  /**
   * Repacks while the writer goes on: the roll-up (pack-rollup.ts), as `git repack -d`, removes
   * only packs that existed when it started, and every object in them is in its new pack (this
   * writer's packs hold new objects only, and deltas never cross packs), so commits flushed
   * meanwhile stay intact.
   */
  async #maintain(): Promise<void> {
    const flushes = this.#flushes;
    try {
      const commits = this.#index.commitCount();
      const atLastFull = Number(this.#index.getMeta('commits_at_full_repack') ?? 0);
      const full = !this.#options.deferFullRepack && isFullRepackDue(commits, atLastFull);
      const report = await maintainRepository(this.#gitdir, full, this.#options.log);
      if (full) this.#index.setMeta('commits_at_full_repack', String(commits));
      this.#store.resetCache();
      this.#flushes -= flushes;
      this.#options.log?.info(report, 'repository maintained');
    } catch (error) {
      // A failed repack leaves the packs as they were: the repository stays valid, only slower.
      this.#options.log?.warn({ err: error }, 'repository maintenance failed');
    }
  }
}
