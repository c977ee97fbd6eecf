// Issue 5 in the daemon: notifications (policies → outbox → channels) and mirroring, both fed
// by the ledger's committed batches. Their health joins the live sources' in /readyz and the
// viewer, their metrics the daemon's registry; they stop before the ledger closes.
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../domain/errors.ts';
import { IndexQueries } from '../index/queries.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { RepositoryReader } from '../ledger/reader.ts';
import type { GitrailMetrics } from '../metrics/metrics.ts';
import { githubCommitLink, startMirrors, type Mirrors } from '../mirror/start-mirrors.ts';
import { isNotifyEnabled, loadNotifySetup, type NotifySetup } from '../notify/check.ts';
import { startNotifications, type Notifications } from '../notify/start-notifications.ts';
import type { SourceStatus } from '../sources/source.ts';

export interface CommitSubscribers {
  /** Mirrors and notification channels, in the shape of live sources' status. */
  status(): SourceStatus[];
  /** The outbox for the viewer's /notifications page; null when notifications are off. */
  readonly notifications: Notifications | null;
  /** The commit's page on a GitHub mirror, for the viewer. */
  commitUrl(sha: string): string | null;
  /** A signed checkpoint was written: the mirrors push it. */
  checkpointed(): void;
  stop(): Promise<void>;
}

export interface CommitSubscriberDeps {
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly now: () => number;
  readonly ledger: Ledger;
  readonly metrics: GitrailMetrics;
  /** The daemon's own URL once it listens: the default base of the diff links in messages. */
  readonly serverUrl: () => string | null;
  /** Policies and templates already loaded and checked with this config (by loadConfig); loaded here when absent. */
  readonly notify?: NotifySetup;
}

/** Starts notifications (when a channel is configured) and mirroring; on a ConfigError nothing is left running. */
export function startCommitSubscribers(deps: CommitSubscriberDeps): CommitSubscribers {
  const { config, env, log, now, ledger, metrics } = deps;
  const setup = isNotifyEnabled(config.notify) ? (deps.notify ?? loadNotifySetup(config.notify, { env })) : null;
  if (setup && setup.problems.length > 0) throw new ConfigError(setup.problems);
  const notifications = setup
    ? startNotifications({
        dataDir: config.data,
        config: config.notify,
        policies: setup.policies,
        templates: setup.templates,
        ledger,
        reader: new RepositoryReader(ledger.gitdir),
        queries: new IndexQueries(ledger.index.db),
        log: log.child({ component: 'notify' }),
        viewerUrl: config.notify.viewerUrl ?? deps.serverUrl,
        githubCommitUrl: githubCommitLink(config.mirrors),
        env,
        now,
      })
    : null;
  let mirrors: Mirrors;
  try {
    mirrors = startMirrors({
      dataDir: config.data,
      mirrors: config.mirrors,
      ledger,
      log: log.child({ component: 'mirror' }),
      env,
      now,
    });
  } catch (error) {
    void notifications?.stop();
    throw error;
  }
  notifications?.metrics(metrics.registry);
  mirrors.metrics(metrics.registry);
  if (setup)
    log.info({ policies: setup.policies.length, channels: Object.keys(config.notify.channels) }, 'notifications on');
  return {
    notifications,
    status: () => [...mirrors.status(), ...(notifications?.status() ?? [])],
    commitUrl: (sha) => mirrors.githubCommitUrl(sha),
    checkpointed: () => mirrors.checkpointed(),
    async stop() {
      await Promise.all([mirrors.stop(), notifications?.stop()]);
    },
  };
}
