// Reads across shards (issue 14 item 4): `<data>/repo.git` on every reader replica fetches
// each shard's branches and archived periods (from its remote, or from this replica's own copy
// when it has none) into `refs/shards/<shard>/*` (view-lines.ts), `<data>/index.db` indexes
// every shard's commits (the index is derived: shards' paths never overlap, so one index
// answers for all), and `main`, `activity` and each rule's `activity-<rule>` are union commits
// (union-tree.ts). The viewer, API and CLI read it like one repository.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { IndexDb } from '../index/index-db.ts';
import { readCommits } from '../index/reindex.ts';
import { runGit } from '../ledger/git-cli.ts';
import { initRepository } from '../ledger/repository.ts';
import { fetchCheckpointsInto, fetchShardRefs, type RemoteAccess } from './remote-git.ts';
import { UnionTree } from './union-tree.ts';
import {
  copyLocalRefs,
  forgetPeriod,
  indexedArchives,
  isArchivedIn,
  recordArchive,
  recordedRemovals,
  type ShardRefs,
  shardRefs,
} from './view-lines.ts';
import { dataFolder } from '../domain/data-folder.ts';

const BRANCHES = ['main', 'activity'] as const;
const MAINTAIN_EVERY_COMMITS = 5_000;
const MIN_REFRESH_GAP_MS = 2_000;

/** Where a shard is read from: its remote (fetched), or this replica's own copy (shared through alternates). */
export type ShardSource = { readonly remote: RemoteAccess } | { readonly local: string };

export interface ReadViewOptions {
  readonly dataDir: string;
  readonly sourceOf: (shard: string) => ShardSource | null;
  readonly log: Logger;
  readonly now: () => number;
}

export interface ShardViewStatus {
  readonly shard: string;
  /** By branch: `main`, `activity` (null when the shard has none yet) and each `activity-<rule>`. */
  readonly heads: Readonly<Record<string, string | null>>;
  readonly lastRefreshAt: number | null;
  readonly lastError: string | null;
}

export class ReadView {
  readonly gitdir: string;
  readonly index: IndexDb;
  readonly #options: ReadViewOptions;
  readonly #unions: Map<string, UnionTree>;
  readonly #status = new Map<string, ShardViewStatus>();
  #queue: Promise<void> = Promise.resolve();
  readonly #wanted = new Set<string>();
  #added = 0;
  #lastRefreshAt = Number.NEGATIVE_INFINITY;

  private constructor(options: ReadViewOptions, gitdir: string, index: IndexDb) {
    this.#options = options;
    this.gitdir = gitdir;
    this.index = index;
    this.#unions = new Map(BRANCHES.map((branch) => [branch, new UnionTree(gitdir, branch)]));
  }

  static async open(options: ReadViewOptions): Promise<ReadView> {
    const gitdir = dataFolder(options.dataDir).repo;
    mkdirSync(options.dataDir, { recursive: true });
    await initRepository(gitdir);
    return new ReadView(options, gitdir, new IndexDb(dataFolder(options.dataDir).index));
  }

  status(): ShardViewStatus[] {
    return [...this.#status.values()];
  }

  /** Asks for a refresh of these shards; resolves once done (refreshes run one at a time). */
  refresh(shards: Iterable<string>): Promise<void> {
    for (const shard of shards) this.#wanted.add(shard);
    this.#queue = this.#queue.then(() => this.#refreshWanted());
    return this.#queue;
  }

  async #refreshWanted(): Promise<void> {
    // A busy shard reports every few seconds: refreshes are spaced so the view does not compete with the writers.
    const wait = this.#lastRefreshAt + MIN_REFRESH_GAP_MS - performance.now();
    if (wait > 0) await sleep(wait);
    this.#lastRefreshAt = performance.now();
    const shards = [...this.#wanted].sort();
    this.#wanted.clear();
    if (shards.length === 0) return;
    let added = 0;
    for (const shard of shards) added += await this.#refreshShard(shard);
    await this.#updateUnions();
    if (added > 0) this.#options.log.debug({ shards, commits: added }, 'read view refreshed');
    this.#added += added;
    if (this.#added >= MAINTAIN_EVERY_COMMITS) await this.#maintain();
  }

  /**
   * Each fetch leaves a pack and each union commit loose objects: fold them together now and
   * then (geometric, so cheap), and keep the changed-path commit-graph that log and blame use.
   */
  async #maintain(): Promise<void> {
    this.#added = 0;
    try {
      await runGit(this.gitdir, ['repack', '-d', '-q', '--geometric=2']);
      await runGit(this.gitdir, [
        'commit-graph',
        'write',
        '--reachable',
        '--changed-paths',
        '--split',
        '--no-progress',
      ]);
    } catch (error) {
      // The view stays readable, only slower.
      this.#options.log.warn({ err: error }, 'read view maintenance failed');
    }
  }

  /** Fetches one shard and indexes its new commits; returns how many. */
  async #refreshShard(shard: string): Promise<number> {
    const { log, now } = this.#options;
    const before = this.#status.get(shard);
    const source = this.#options.sourceOf(shard);
    if (!source) return 0;
    try {
      if ('remote' in source) await fetchShardRefs(this.gitdir, source.remote, `shards/${shard}`);
      else await this.#linkLocal(shard, source.local);
    } catch (error) {
      const lastError = error instanceof Error ? error.message : String(error);
      if (before?.lastError !== lastError) log.warn({ shard, err: error }, 'cannot fetch the shard for the read view');
      this.#status.set(shard, {
        shard,
        heads: before?.heads ?? { main: null, activity: null },
        lastRefreshAt: before?.lastRefreshAt ?? null,
        lastError,
      });
      return 0;
    }
    const refs = await shardRefs(this.gitdir, shard);
    let added = await this.#indexArchives(shard, refs, source);
    const heads: Record<string, string | null> = { main: null, activity: null };
    for (const [branch, head] of refs.branches) {
      heads[branch] = head;
      const key = `view:${shard}:${branch}`;
      const known = this.index.getMeta(key);
      if (known === head) continue;
      const from = known && (await this.#isAncestor(known, head)) ? known : null;
      // A line that began a new period starts from a new root; the closed one is archived.
      if (known && !from && !(await isArchivedIn(this.gitdir, shard, known)))
        log.error({ shard, branch, known, head }, 'a shard branch moved backwards; indexing it again');
      // A retention rule's line (`activity-<rule>`) holds activity like `activity` itself (as reindex.ts).
      const commits = await readCommits(this.gitdir, branch === 'main' ? 'main' : 'activity', from, head);
      this.index.record(commits, [], new Map());
      this.index.setMeta(key, head);
      added += commits.length;
    }
    this.#status.set(shard, { shard, heads, lastRefreshAt: now(), lastError: null });
    return added;
  }

  /**
   * Indexes the shard's newly archived periods (mostly known already, from when each was its
   * line's current period: only what the view had not seen is read) and forgets those
   * retention removed. Returns how many commits were added.
   */
  async #indexArchives(shard: string, refs: ShardRefs, source: ShardSource): Promise<number> {
    const db = this.index.db;
    const known = indexedArchives(db, shard);
    let added = 0;
    for (const [archive, head] of refs.archives) {
      if (known.get(archive) === head) continue;
      const line = this.index.getMeta(`view:${shard}:${archive.slice(0, archive.lastIndexOf('/'))}`);
      const from = line && line !== head && (await this.#isAncestor(line, head)) ? line : null;
      const commits = line === head ? [] : await readCommits(this.gitdir, 'activity', from, head);
      this.index.record(commits, [], new Map());
      recordArchive(db, shard, archive, head);
      added += commits.length;
    }
    let recorded: Set<string> | null = null;
    for (const [archive, head] of known) {
      if (refs.archives.has(archive)) continue;
      recorded ??= await this.#recordedRemovals(shard, source);
      // The view mirrors the shard either way; a removal no checkpoint records is the shard's to explain.
      const commits = await forgetPeriod(this.gitdir, db, head);
      recordArchive(db, shard, archive, null);
      if (recorded.has(`${archive} ${head}`))
        this.#options.log.info({ shard, archive, head, commits }, 'read view: a period removed by retention');
      else
        this.#options.log.error(
          { shard, archive, head, commits },
          'an archived period left the shard without a checkpoint recording its removal',
        );
    }
    return added;
  }

  async #recordedRemovals(shard: string, source: ShardSource): Promise<Set<string>> {
    try {
      if ('local' in source) return await recordedRemovals(source.local, 'refs/tags/checkpoints/');
      await fetchCheckpointsInto(this.gitdir, source.remote, `shards/${shard}/tags`);
      return await recordedRemovals(this.gitdir, `refs/shards/${shard}/tags/checkpoints/`);
    } catch (error) {
      this.#options.log.warn({ shard, err: error }, "cannot read the shard's checkpoints for the read view");
      return new Set();
    }
  }

  async #isAncestor(ancestor: string, of: string): Promise<boolean> {
    const { code } = await runGit(this.gitdir, ['merge-base', '--is-ancestor', ancestor, of], { okCodes: [0, 1] });
    return code === 0;
  }

  async #updateUnions(): Promise<void> {
    for (const status of this.#status.values())
      for (const branch of Object.keys(status.heads))
        if (!this.#unions.has(branch)) this.#unions.set(branch, new UnionTree(this.gitdir, branch));
    for (const [branch, union] of this.#unions) {
      const heads = new Map<string, string>();
      for (const status of this.#status.values()) {
        const head = status.heads[branch];
        if (head) heads.set(status.shard, head);
      }
      await union.update(heads);
    }
  }

  /**
   * A shard this replica writes without a remote: its objects are read in place (listed in
   * objects/info/alternates; such a repository is never reset, so they stay) and only its
   * branch heads and archive refs are copied, instead of packing every new object again for a fetch.
   */
  async #linkLocal(shard: string, gitdir: string): Promise<void> {
    const alternates = join(this.gitdir, 'objects', 'info', 'alternates');
    const objects = join(gitdir, 'objects');
    const listed = existsSync(alternates) ? readFileSync(alternates, 'utf8').split('\n') : [];
    if (!listed.includes(objects)) {
      mkdirSync(dirname(alternates), { recursive: true });
      appendFileSync(alternates, `${objects}\n`);
    }
    await copyLocalRefs(this.gitdir, shard, gitdir);
  }

  /** The copy of a shard this replica writes, when it has no remote. */
  static localSource(dataDir: string, shard: string): ShardSource | null {
    const path = dataFolder(join(dataFolder(dataDir).shards, shard)).repo;
    return existsSync(join(path, 'HEAD')) ? { local: path } : null;
  }

  async close(): Promise<void> {
    await this.#queue;
    this.index.close();
  }
}
