// What every viewer route is given: the viewer's dependencies, the resolved authentication and
// the clock, and the Hono app type the routes register on. Routes import this, never viewer.ts.
import type { Hono } from 'hono';
import type { BlameCache } from '../../index/blame.ts';
import type { BlameStore } from '../../index/blame-store.ts';
import type { CommitRow, IndexQueries } from '../../index/queries.ts';
import type { QuarantineEntry } from '../../journal/quarantine.ts';
import type { RepositoryReader } from '../../ledger/reader.ts';
import type { DeliveryRow, DeliveryState } from '../../notify/outbox/delivery.ts';
import type { SourceStatus } from '../../sources/source.ts';
import type { ViewerAuth } from '../viewer-auth.ts';
import type { ViewerConfig } from '../../config/viewer.ts';
import type { CommitStatus, LastCheckpoint } from '../views/commit-list.ts';

/** What `/notifications` reads: the outbox of the running notifications (startNotifications().outbox). */
export interface NotificationsView {
  list(filter: { readonly state?: DeliveryState; readonly limit?: number }): DeliveryRow[];
}

/** Signature badges per commit and the last checkpoint (issue 11). */
export interface ViewerTrust {
  readonly commits: { statuses(shas: readonly string[]): Promise<ReadonlyMap<string, CommitStatus>> };
  readonly lastCheckpoint: () => LastCheckpoint | null;
}

export interface ViewerDeps {
  readonly queries: IndexQueries;
  readonly reader: RepositoryReader;
  readonly config: ViewerConfig;
  /** Each live source's state, for the header badge and `/sources`. */
  readonly status: () => readonly SourceStatus[];
  readonly env: NodeJS.ProcessEnv;
  readonly links?: {
    readonly commitUrl?: (sha: string) => string | null;
    /** Cluster mode: the shard (repository) a commit belongs to, shown with it. */
    readonly shard?: (commit: CommitRow) => string | null;
  };
  /** The notification outbox, for `/notifications` (dead letters). */
  readonly notifications?: NotificationsView;
  /** Records held in the quarantine, for `/sources` (issue 10). */
  readonly quarantine?: () => readonly QuarantineEntry[];
  /** Signature badges per commit and the last checkpoint (issue 11). */
  readonly trust?: ViewerTrust;
  /** Blames kept on disk, so a restarted viewer replays no busy file's whole history again. */
  readonly blameStore?: BlameStore;
  /** Injected clock for session expiry (default Date.now). */
  readonly now?: () => number;
}

/** What every viewer route can reach: the deps, the resolved auth and the clock. */
export interface ViewerContext {
  readonly deps: ViewerDeps;
  readonly auth: ViewerAuth;
  readonly now: () => number;
  readonly blameCache: BlameCache;
}

export type ViewerEnv = { Variables: { user: string } };
export type ViewerApp = Hono<ViewerEnv>;
