// The composition root: the only place that builds and wires components. Ledger (takes the
// writer lock) → journal → drainer → HTTP server (intake, operations, viewer) → live sources;
// shutdown runs the other way and drains the journal before the ledger closes.
import type { Daemon, DaemonOptions } from './daemon/daemon.ts';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { resolveIntakeTokens, type IntakeTokens } from './config/intake-tokens.ts';
import { loadRedactionKey, namedKeyFile } from './config/redaction-key.ts';
import { parseListen } from './config/rules.ts';
import type { Config } from './config/schema.ts';
import { ConfigError } from './domain/errors.ts';
import { edgeLimits } from './edge/limits.ts';
import { BlameStore } from './index/blame-store.ts';
import { IndexQueries } from './index/queries.ts';
import { Drainer } from './journal/drainer.ts';
import { IntakeActivity } from './journal/intake-activity.ts';
import { Journal } from './journal/journal.ts';
import { Quarantine } from './journal/quarantine.ts';
import { Ledger } from './ledger/ledger.ts';
import { RepositoryReader } from './ledger/reader.ts';
import { createMetrics, type GitrailMetrics } from './metrics/metrics.ts';
import { createRedactor } from './normalise/redact.ts';
import { createApp } from './server/app.ts';
import { startClusterDaemon } from './main-cluster.ts';
import { assessReadiness } from './server/routes/health.ts';
import { listen, type Listening } from './server/listen.ts';
import { createViewerRoutes } from './server/routes/viewer.ts';
import { servedViewerConfig } from './config/viewer.ts';
import { viewerEnvironment } from './config/viewer-token.ts';
import { startCommitSubscribers, type CommitSubscribers } from './daemon/commit-subscribers.ts';
import { isNotifyEnabled, type NotifySetup } from './notify/check.ts';
import { startQuarantineRetries } from './daemon/quarantine-retry.ts';
import { runSources } from './daemon/run-sources.ts';
import { stopOnce, type StopOnce } from './daemon/stop-once.ts';
import { normaliseSettings } from './config/normalise-settings.ts';
import { buildLiveSources } from './sources/registry.ts';
import type { Source } from './sources/source.ts';
import { registerSourceMetrics } from './sources/status-metrics.ts';
import { ledgerSettings, type LedgerSettings } from './config/ledger-settings.ts';
import { startCheckpoints, type Checkpoints } from './daemon/checkpoints.ts';
import { wireIntake } from './server/intake-wiring.ts';
import { allowedSignersPath } from './signing/key-store.ts';
import { CommitTrust } from './verify/commit-trust.ts';
import { dataFolder } from './domain/data-folder.ts';

export type { Daemon, DaemonOptions } from './daemon/daemon.ts';

/** How often the daemon looks for quarantined records `gitrail quarantine retry` marked. */
const QUARANTINE_RETRY_INTERVAL_MS = 5000;

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { config, env, log } = options;
  const now = options.now ?? Date.now;
  const address = parseListen(config.listen);
  if (!address) throw new ConfigError([`listen: ${config.listen} is not host:port`]);
  const metrics = createMetrics({ now });
  if (config.cluster) {
    // Issue 14: one replica of several on NATS JetStream; no local journal or ledger of its own.
    const redact = createRedactor(loadRedactionKey(config.data, { file: namedKeyFile(config, env) }));
    return startClusterDaemon({
      config: { ...config, cluster: config.cluster },
      env,
      log,
      now,
      metrics,
      tokens: resolveIntakeTokens(config, env),
      normalise: normaliseSettings(config, redact),
      address,
    });
  }
  // The drainer flushes every drain.maxChangesPerFlush changes (or flushIntervalMs); a change makes
  // at most one commit, so the ledger flushes on its own only when one journal read overshoots that.
  const writer = ledgerSettings(config);
  const ledger = await Ledger.open({
    dataDir: config.data,
    committer: writer.committer,
    signing: writer.signing,
    activityPeriod: writer.activityPeriod,
    activityLines: writer.activityLines,
    identities: writer.identities,
    flushEvery: config.drain.maxChangesPerFlush,
    now,
    log: log.child({ component: 'ledger' }),
  });
  let journal: Journal | null = null;
  try {
    journal = Journal.open({
      dir: dataFolder(config.data).journal,
      segmentBytes: config.journal.segmentBytes,
      maxBytes: config.journal.maxBytes,
      log: log.child({ component: 'journal' }),
    });
    const tokens = resolveIntakeTokens(config, env);
    const redactionKey = loadRedactionKey(config.data, { file: namedKeyFile(config, env) });
    if (options.onCommitted) ledger.onCommitted(options.onCommitted);
    return await run({
      writer,
      config,
      env,
      log,
      now,
      metrics,
      ledger,
      journal,
      tokens,
      redactionKey,
      address,
      extraSources: options.sources ?? [],
      notify: options.notify,
    });
  } catch (error) {
    await journal?.close();
    await ledger.close();
    throw error;
  }
}

interface Parts {
  readonly writer: LedgerSettings;
  readonly config: Config;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly now: () => number;
  readonly metrics: GitrailMetrics;
  readonly ledger: Ledger;
  readonly journal: Journal;
  readonly tokens: IntakeTokens;
  readonly redactionKey: Uint8Array;
  readonly address: { host: string; port: number };
  readonly extraSources: readonly Source[];
  readonly notify: NotifySetup | undefined;
}

async function run(parts: Parts): Promise<Daemon> {
  const { config, env, log, now, metrics, ledger, journal } = parts;
  metrics.observeJournal(() => journal.depth());
  // Issue 5: notifications and mirrors follow the ledger's commits (src/daemon/commit-subscribers.ts);
  // started once the app is built, so a configuration the app refuses leaves nothing running.
  let serverUrl: string | null = null;
  let subscribers: CommitSubscribers | null = null;
  const quarantine = new Quarantine(config.data);
  metrics.observeQuarantine(() => quarantine.count());
  // Intake requests in flight: the drainer gives way to them between its slices (issue 12).
  const intakeActivity = new IntakeActivity();
  const drainer = new Drainer({
    journal,
    ledger,
    metrics,
    log: log.child({ component: 'drainer' }),
    ...config.drain,
    quarantine,
    intake: intakeActivity,
    now,
  });
  const limits = edgeLimits(config.limits.futureSkew);
  const normalise = normaliseSettings(config, createRedactor(parts.redactionKey));
  // Live sources (issue 4): Kubernetes list/watch, CloudTrail polling and CloudTrail files in S3.
  const sources = [...(await buildLiveSources(config, normalise)), ...parts.extraSources];
  registerSourceMetrics(metrics.registry, () => sources);
  /** Live sources, then mirrors and notification channels: for /readyz and the viewer. */
  const statuses = () => [...sources.map((source) => source.status()), ...(subscribers?.status() ?? [])];
  let stopper: StopOnce | null = null;
  const readiness = () =>
    assessReadiness({
      stopping: stopper?.stopping() ?? null,
      drainerFailed: Boolean(drainer.failure),
      journal: { ...journal.depth(), committedSeq: journal.checkpointed },
      maxJournalBytes: config.journal.maxBytes,
      now: now(),
      sources: statuses(),
      quarantined: quarantine.count(),
    });
  const viewer = viewerEnvironment(config, env);
  let checkpoints: Checkpoints | null = null;
  const intake = wireIntake({ ...parts, normalise, limits, activity: intakeActivity, log });
  const app = createApp({
    log,
    intake: intake.deps,
    health: { readiness, metrics },
    viewer: createViewerRoutes({
      queries: new IndexQueries(ledger.index.db),
      reader: new RepositoryReader(ledger.gitdir),
      blameStore: new BlameStore(dataFolder(config.data).blameCache),
      config: servedViewerConfig(config.viewer, config.tls !== undefined),
      status: statuses,
      env: viewer.env,
      links: { commitUrl: (sha) => subscribers?.commitUrl(sha) ?? null },
      trust: {
        commits: new CommitTrust(ledger.gitdir, allowedSignersPath(config.data)),
        lastCheckpoint: () => checkpoints?.last() ?? null,
      },
      quarantine: () => quarantine.list(),
      ...(isNotifyEnabled(config.notify)
        ? { notifications: { list: (filter) => subscribers?.notifications?.outbox.list(filter) ?? [] } }
        : {}),
    }),
  });
  const started = startCommitSubscribers({
    config,
    env,
    log,
    now,
    ledger,
    metrics,
    serverUrl: () => serverUrl,
    ...(parts.notify ? { notify: parts.notify } : {}),
  });
  subscribers = started;
  // Issue 11: signed checkpoints on a schedule and at shutdown (src/daemon/checkpoints.ts).
  try {
    checkpoints = await startCheckpoints({
      config,
      writer: parts.writer,
      ledger,
      journalSeq: () => journal.checkpointed,
      registry: metrics.registry,
      env,
      log: log.child({ component: 'checkpoint' }),
      now,
      onCheckpoint: () => started.checkpointed(),
    });
  } catch (error) {
    await started.stop();
    await intake.workers.close();
    throw error;
  }
  const scheduled = checkpoints;
  // Everything that can refuse the configuration is built above; from here on the drainer runs.
  const drained = drainer.run();
  let server: Listening;
  try {
    server = await listen(app, { ...parts.address, tls: config.tls });
  } catch (error) {
    drainer.stop();
    await intake.workers.close();
    await journal.close();
    await drained;
    await scheduled.stop();
    await started.stop();
    throw error;
  }
  serverUrl = server.url;
  const retries = startQuarantineRetries({
    quarantine,
    journal,
    edge: { limits, now },
    log: log.child({ component: 'quarantine' }),
    intervalMs: QUARANTINE_RETRY_INTERVAL_MS,
  });
  const abort = new AbortController();
  const running = runSources(sources, {
    log,
    signal: abort.signal,
    journal,
    drainer,
    index: ledger.index,
    metrics,
    dataDir: config.data,
    edge: { limits, now },
    now,
  });
  /** Resolves with the exit code: `code`, or 1 after a drainer failure. */
  const shutdown = async (reason: string, code: number): Promise<number> => {
    log.info({ reason }, 'shutting down');
    abort.abort();
    await Promise.all(running);
    await server.close();
    await intake.workers.close();
    await retries.stop();
    await journal.close();
    drainer.stop();
    await drained.catch(() => undefined);
    // The shutdown checkpoint, before the mirrors' last push; not after a drainer failure (the
    // ledger's state is unknown).
    if (drainer.failure) scheduled.cancel();
    else await scheduled.stop().catch((error: unknown) => log.error({ err: error }, 'shutdown checkpoint failed'));
    // Before the ledger closes: they read through its index. What it flushes on close is
    // evaluated and pushed at the next start (the outbox cursor and the remote say where).
    await started.stop();
    // After a drainer failure the ledger's unflushed state is unknown: leave it; the journal replays.
    if (!drainer.failure) await ledger.close();
    log.info({ committedSeq: journal.checkpointed }, 'stopped');
    return drainer.failure ? 1 : code;
  };
  stopper = stopOnce(shutdown, { timeoutMs: config.shutdownTimeoutMs, log });
  const { stop, stopped } = stopper;
  drained.catch((error: unknown) => {
    log.fatal({ err: error }, 'the journal drainer failed; stopping (acknowledged events stay in the journal)');
    void stop('drainer failure', 1);
  });
  return {
    url: server.url,
    gitdir: ledger.gitdir,
    tokens: parts.tokens,
    viewerTokenFile: viewer.installationTokenFile,
    metrics,
    stop,
    stopped,
  };
}
