// The ledger: the single writer of `<data>/repo.git`. One commit per change, author = actor
// at the event's time; objects kept in memory and flushed as one pack (+ idx) per batch, then
// the refs moved atomically and the index updated (ledger-performance.md §8). Commits are
// signed in order; in bulk on a thread of their own, beside the writer (commit-chain.ts).
import type { Branch, ChangeRecord, Doc } from '../domain/change.ts';
import { IndexDb, type IndexedCommit, type SeenEvent } from '../index/index-db.ts';
import { applyUpdate } from '../normalise/apply-update.ts';
import { parseCanonicalYaml } from '../normalise/canonical-yaml.ts';
import { summariseChange } from '../normalise/summary.ts';
import type { Signing } from '../signing/key-store.ts';
import { CommitChain, type Written } from './commit-chain.ts';
import { formatCommitMessage, writtenTrailers } from './commit-message.ts';
import { detourRecord } from './detour.ts';
import { DocCache } from './doc-cache.ts';
import {
  type ApplyResult,
  DEFAULT_COMMITTER,
  type LedgerOptions,
  type Outcome,
  type PreparedChange,
  recordKey,
} from './ledger-types.ts';
import { type BranchState, type OpenedLedger, openLedger } from './ledger-open.ts';
import type { WriterLock } from './lock.ts';
import { MaintenanceSchedule } from './maintenance-schedule.ts';
import type { ObjectStore } from './object-store.ts';
import { lineName } from './periods.ts';
import { assertDocumentSize, assertWritable } from './record-guard.ts';
import { packDoc, renderBlob, type RenderedBlob } from './render.ts';
import { updateRef } from './refs.ts';
import { TreeState } from './tree-state.ts';

export class Ledger {
  readonly gitdir: string;
  readonly index: IndexDb;
  readonly #store: ObjectStore;
  /** By branch name: `main`, `activity` and an `activity-<rule>` line per retention rule. */
  readonly #branches: Map<string, BranchState>;
  readonly #lock: WriterLock;
  readonly #options: LedgerOptions;
  readonly signing: Signing | null;
  /** Commits as they are made: the last few may still be being signed. */
  readonly #chain: CommitChain;
  readonly #pendingCommits: IndexedCommit[] = [];
  readonly #pendingKeys = new Set<string>();
  readonly #pendingSeen: SeenEvent[] = [];
  /** The last author time of each path on main, as the index holds it once flushed (see LAST_TIMES_KEPT). */
  readonly #lastTimes = new Map<string, number>();
  readonly #docCache: DocCache;
  readonly #listeners: Array<(commits: readonly IndexedCommit[]) => void> = [];
  #queue: Promise<unknown> = Promise.resolve();
  readonly #maintenance: MaintenanceSchedule;

  private constructor(opened: OpenedLedger, options: LedgerOptions) {
    this.gitdir = opened.gitdir;
    this.signing = opened.signing;
    this.index = opened.index;
    this.#store = opened.store;
    this.#branches = opened.branches;
    this.#lock = opened.lock;
    this.#options = options;
    this.#docCache = new DocCache(options.docCacheBytes ?? 256 * 1024 * 1024);
    this.#maintenance = new MaintenanceSchedule(opened.gitdir, opened.index, opened.store, options);
    this.#chain = new CommitChain(opened.signing?.key ?? null, (commit, facts) => {
      this.#store.stageAgainst(commit, facts.parent);
      this.#pendingCommits.push({ sha: commit.oid, ...facts });
    });
  }

  static async open(options: LedgerOptions): Promise<Ledger> {
    return new Ledger(await openLedger(options), options);
  }

  /** Called after each flush with the commits that became visible. */
  onCommitted(listener: (commits: readonly IndexedCommit[]) => void): void {
    this.#listeners.push(listener);
  }

  head(branch: Branch): string | null {
    return this.#chain.headOf(this.#branches.get(branch) as BranchState);
  }

  apply(change: PreparedChange): Promise<ApplyResult> {
    return this.#serialise(() => this.#apply(change));
  }

  /** `giveWay`: awaited once the pack is stored, before the refs and index (the daemon's intake goes first). */
  flush(giveWay?: () => Promise<void>): Promise<number> {
    return this.#serialise(() => this.#flush(giveWay));
  }

  /** Flushes, then runs `task` before any other change is applied: checkpoints read settled refs. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.#serialise(async () => {
      await this.#flush();
      return task();
    });
  }

  /** The time a commit or tag written now carries (never before the signing key's period). */
  signingTime(): number {
    return this.#committerTime();
  }

  async close(): Promise<void> {
    try {
      await this.#serialise(async () => {
        await this.#flush();
        await this.#maintenance.finish();
      });
    } finally {
      this.#chain.close();
      this.index.close();
      this.#lock.release();
    }
  }

  #serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #apply(change: PreparedChange): Promise<ApplyResult> {
    assertWritable(change.record);
    const key = recordKey(change.record);
    if (this.#pendingKeys.has(key) || this.index.hasEvent(key)) return { outcome: 'duplicate' };
    this.#pendingKeys.add(key);
    try {
      return await this.#applyNew(change, key);
    } catch (error) {
      // Nothing of the record was staged (#write changes state only once nothing can throw): it may be retried.
      this.#pendingKeys.delete(key);
      throw error;
    }
  }

  async #applyNew({ record, rendered }: PreparedChange, key: string): Promise<ApplyResult> {
    const last = record.branch === 'main' ? this.#lastTime(record.path) : null;
    const late = last !== null && record.time < last;
    const written = late ? 'late' : await this.#write(record, rendered);
    if (written === 'late' || written === 'untracked') {
      const detour = await this.#write(detourRecord(record, written, last), undefined);
      // The detour commit's `Resource-Path:` trailer records this key in the index (index-db.ts);
      // only a detour that changed nothing leaves it to be recorded here. (On activity, #write
      // never answers 'untracked'.)
      if (typeof detour !== 'object' || detour === null) this.#pendingSeen.push({ key, outcome: written });
      return typeof detour === 'object' && detour !== null ? result(written, detour) : { outcome: written };
    }
    if (written === null) {
      this.#pendingSeen.push({ key, outcome: 'unchanged' });
      return { outcome: 'unchanged' };
    }
    return result(record.branch === 'main' ? 'committed' : 'activity', written);
  }

  /**
   * Writes one commit (its id may still be being signed); null when the file would not change, 'untracked'
   * when the update needs a resource that was never recorded (a delete, a field update).
   */
  async #write(record: ChangeRecord, rendered: RenderedBlob | undefined): Promise<Written | null | 'untracked'> {
    const branch = this.#branches.get(this.#lineOf(record)) as BranchState;
    const committerTime = this.#committerTime();
    const previousPeriod = record.branch === 'activity' ? this.#rollPeriod(branch, committerTime) : null;
    const prevOid = await branch.tree.getFile(record.path);
    const needsPrev = record.update.kind === 'set-fields' || record.update.kind === 'cloudtrail-call';
    const prevDoc =
      prevOid && (needsPrev || record.branch === 'main') ? await this.#readDoc(record.path, prevOid) : null;
    const next = rendered ? rendered.doc : applyUpdate(prevDoc, record.update);
    if (next === 'skip' || (next === null && prevOid === null)) return record.branch === 'main' ? 'untracked' : null;
    const blob = next === null ? null : (rendered ?? renderBlob(next));
    if ((blob?.oid ?? null) === prevOid) return null;
    if (blob) assertDocumentSize(record.path, blob.object.content.length);
    const body = record.branch === 'main' ? summariseChange(prevDoc, blob?.doc ?? null) : '';
    const trailers = previousPeriod ? [...record.trailers, previousPeriod] : record.trailers;
    const message = formatCommitMessage(record.subject, body, trailers);
    if (blob) {
      this.#store.stageAgainst(blob.object, prevOid);
      this.#docCache.set(record.path, blob.oid, blob.packedDoc);
    }
    await branch.tree.setFile(record.path, blob?.oid ?? null);
    const tree = await branch.tree.write();
    for (const object of tree.objects) this.#store.stage(object);
    const committer = this.#options.committer ?? DEFAULT_COMMITTER;
    const written = this.#chain.write(
      branch,
      {
        tree: tree.oid,
        author: { ...record.author, time: record.time },
        committer: { ...committer, time: committerTime },
        message,
      },
      {
        branch: record.branch,
        time: record.time,
        authorName: record.author.name,
        authorEmail: record.author.email,
        subject: record.subject,
        body,
        trailers: writtenTrailers(trailers),
        changes: [
          { path: record.path, op: prevOid === null ? 'A' : blob === null ? 'D' : 'M', blob: blob?.oid ?? null },
        ],
      },
    );
    if (record.branch === 'main')
      this.#lastTimes.set(record.path, Math.max(record.time, this.#lastTime(record.path) ?? record.time));
    const unflushed = this.#pendingCommits.length + this.#chain.outstanding;
    if (unflushed >= (this.#options.flushEvery ?? 500)) await this.#flush();
    return written;
  }

  /** The branch a record is written to: an activity record matched by a retention rule goes to that rule's line. */
  #lineOf(record: ChangeRecord): string {
    if (record.branch !== 'activity') return record.branch;
    const line = this.#options.activityLines?.find((candidate) => candidate.matches(record));
    return line ? lineName(line.rule) : record.branch;
  }

  /** Now, but never before the signing key's period starts (a clock set back after a rotation). */
  #committerTime(): number {
    return Math.max((this.#options.now ?? Date.now)(), this.signing?.validAfter ?? 0);
  }

  /**
   * Starts a new period of `activity` when `time` is past the current one: the branch continues
   * from an empty tree, and the `Previous-Period:` trailer its next commit carries.
   */
  #rollPeriod(branch: BranchState, time: number): readonly [string, string] | null {
    if (!branch.periods) return null;
    if (branch.periods.roll(time, () => this.#chain.headOf(branch))) {
      branch.head = null;
      branch.tree = new TreeState(null, (oid) => this.#store.readTree(oid));
    }
    return branch.head === null && !this.#chain.writing(branch) ? branch.periods.rootTrailer() : null;
  }

  #lastTime(path: string): number | null {
    const known = this.#lastTimes.get(path);
    if (known !== undefined) return known;
    const stored = this.index.lastTime(path);
    if (stored !== null) this.#lastTimes.set(path, stored);
    return stored;
  }

  async #readDoc(path: string, oid: string): Promise<Doc> {
    const cached = this.#docCache.get(path, oid);
    if (cached) return cached;
    const doc = parseCanonicalYaml(await this.#store.readText(oid));
    this.#docCache.set(path, oid, packDoc(doc));
    return doc;
  }

  async #flush(giveWay?: () => Promise<void>): Promise<number> {
    this.#chain.settle();
    if (this.#pendingCommits.length === 0 && this.#pendingSeen.length === 0) return 0;
    const commits = this.#pendingCommits.splice(0);
    await this.#store.writePack();
    await giveWay?.();
    for (const branch of this.#branches.values()) branch.periods?.storeArchives(this.gitdir);
    const heads = new Map<string, string>();
    for (const [name, branch] of this.#branches) {
      if (branch.head === branch.flushed || branch.head === null) continue;
      updateRef(this.gitdir, `refs/heads/${name}`, branch.head, branch.flushed);
      branch.flushed = branch.head;
      heads.set(name, branch.head);
    }
    this.index.record(commits, this.#pendingSeen.splice(0), heads);
    // Every time in the map is now in the index too: past the bound, the map starts again empty.
    if (this.#lastTimes.size > (this.#options.lastTimesKept ?? LAST_TIMES_KEPT)) this.#lastTimes.clear();
    this.#pendingKeys.clear();
    if (commits.length > 0) {
      for (const listener of this.#listeners) listener(commits);
      this.#maintenance.flushed();
    }
    return commits.length;
  }
}

/**
 * Paths whose last time the writer keeps in memory past a flush; past them the index answers, one
 * SQLite lookup per record. It bounds a map that grew with every resource; at 1M resources the peak
 * RSS did not fall with it (787 → 786 MB): the rest of the writer's per-resource state sets it.
 */
const LAST_TIMES_KEPT = 100_000;

/** An outcome with the id of the commit written, which may still be being signed (read it when needed). */
function result(outcome: Outcome, written: Written): ApplyResult {
  return {
    outcome,
    get sha() {
      return written.oid;
    },
  };
}
