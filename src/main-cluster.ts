// The composition of one replica in cluster mode (DESIGN §7), built by src/main.ts when
// `cluster:` is configured: the NATS link, intake publishing to the stream (with the spill
// buffer), the shard writers, the merged read view behind the viewer and API, readiness per
// role and the cluster metrics. Shutdown hands every held shard over (flushed, pushed, lease
// released) before closing the connection.
import type { Daemon } from './daemon/daemon.ts';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { IntakeTokens } from './config/intake-tokens.ts';
import { resolveSecret } from './config/secret-ref.ts';
import { ledgerSettings } from './config/ledger-settings.ts';
import type { Config } from './config/schema.ts';
import { servedViewerConfig } from './config/viewer.ts';
import { viewerEnvironment } from './config/viewer-token.ts';
import { checkpointInstruments } from './daemon/checkpoints.ts';
import { IndexQueries } from './index/queries.ts';
import { installMailmap } from './ledger/mailmap-file.ts';
import { RepositoryReader } from './ledger/reader.ts';
import type { GitrailMetrics } from './metrics/metrics.ts';
import { createApp } from './server/app.ts';
import type { NormaliseSettings } from './server/intake.ts';
import { listen } from './server/listen.ts';
import { createViewerRoutes } from './server/routes/viewer.ts';
import { ShardRemoteConfig, type ClusterConfig } from './cluster/config.ts';
import { ClusterUnavailableError } from './cluster/errors.ts';
import { createClusterIntake, type ClusterIntake } from './cluster/intake.ts';
import { createClusterMetrics } from './cluster/metrics.ts';
import { NatsLink, replicaName } from './cluster/nats.ts';
import { StreamPublisher } from './cluster/publisher.ts';
import { ReadView } from './cluster/read-view.ts';
import { assessClusterReadiness } from './cluster/readiness.ts';
import type { ShardSessionOptions } from './cluster/shard-session.ts';
import { ShardMap } from './cluster/shard-map.ts';
import { ShardRegistry } from './cluster/shard-registry.ts';
import { shardStatuses, watchShards } from './cluster/shard-watch.ts';
import { Spill } from './cluster/spill.ts';
import { ShardWriters } from './cluster/writers.ts';
import { dataFolder } from './domain/data-folder.ts';

export interface ClusterParts {
  readonly config: Config & { readonly cluster: ClusterConfig };
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly now: () => number;
  readonly metrics: GitrailMetrics;
  readonly tokens: IntakeTokens;
  readonly normalise: NormaliseSettings;
  readonly address: { readonly host: string; readonly port: number };
}

/** The cluster-mode daemon is the same running daemon to its callers. */
export type ClusterDaemon = Daemon;

/** Where each shard is pushed and restored from, or null without a remote. */
function remotes(config: ClusterParts['config'], shardMap: ShardMap, env: NodeJS.ProcessEnv) {
  const template = config.cluster.remote;
  const token = template?.token ? resolveSecret(template.token, 'cluster.remote.token', env) : null;
  return (shard: string): ShardSessionOptions['remote'] => {
    const own = shardMap.config(shard)?.remote;
    if (!template && !own) return null;
    const settings = template ?? ShardRemoteConfig.parse({ url: own });
    const url = own ?? settings.url.replaceAll('{shard}', shard);
    return { url, username: settings.username, token, settings };
  };
}

export async function startClusterDaemon(parts: ClusterParts): Promise<ClusterDaemon> {
  const { config, env, log, now, metrics } = parts;
  const cluster = config.cluster;
  const replica = replicaName(cluster, env);
  const clusterMetrics = createClusterMetrics(metrics.registry);
  const link = new NatsLink(cluster, env, replica, log.child({ component: 'nats' }));
  const shardMap = new ShardMap(config.shards);
  const registry = new ShardRegistry(link);
  const remoteFor = remotes(config, shardMap, env);
  const has = (role: ClusterConfig['roles'][number]) => cluster.roles.includes(role);
  const abort = new AbortController();
  const statuses = shardStatuses();

  let spill: Spill | null = null;
  let intake: ClusterIntake | null = null;
  if (has('intake')) {
    const publisher = new StreamPublisher({
      link,
      shardMap,
      registry,
      subjectPrefix: cluster.stream.subject,
      metrics: clusterMetrics,
      log: log.child({ component: 'publisher' }),
    });
    spill = cluster.spill.enabled
      ? new Spill({
          dir: dataFolder(config.data).spill,
          maxBytes: cluster.spill.maxBytes,
          forward: async (batch) => {
            await publisher.publish(batch);
          },
          log: log.child({ component: 'spill' }),
        })
      : null;
    intake = createClusterIntake({
      publisher,
      spill,
      metrics: clusterMetrics,
      log: log.child({ component: 'intake' }),
    });
  }
  if (has('writer') && !config.signing.keyFile)
    log.warn(
      'signing.keyFile is not set: each replica signs the shards it writes with a key of its own ' +
        '(<data>/shards/<shard>/keys); mount one key (a Secret) so a shard and its checkpoints verify with one line',
    );
  const writers = has('writer')
    ? new ShardWriters({
        link,
        registry,
        shardMap,
        config: cluster,
        replica,
        dir: dataFolder(config.data).shards,
        remoteFor,
        committer: config.committer,
        signing: ledgerSettings(config).signing,
        identities: config.identities,
        activity: { period: ledgerSettings(config).activityPeriod, lines: ledgerSettings(config).activityLines },
        checkpoints: {
          config,
          writer: ledgerSettings(config),
          env,
          instruments: checkpointInstruments(metrics.registry, now),
        },
        drain: config.drain,
        metrics,
        clusterMetrics,
        log: log.child({ component: 'writer' }),
        now,
      })
    : null;
  const view = has('reader')
    ? await ReadView.open({
        dataDir: config.data,
        sourceOf: (shard) => {
          const remote = remoteFor(shard);
          return remote ? { remote } : ReadView.localSource(config.data, shard);
        },
        log: log.child({ component: 'read-view' }),
        now,
      })
    : null;
  // The merged repository of the read view shows one author per person too (`identities:`, issue 13).
  if (view) await installMailmap(config.data, config.identities);
  const viewer = viewerEnvironment(config, env);
  let stopping: string | null = null;
  const writerStatus = () => writers?.status() ?? [];
  clusterMetrics.observe({
    connected: () => link.connected,
    spill: () => spill?.depth() ?? { entries: 0, bytes: 0 },
    shards: () => statuses.gauges(writerStatus()),
  });
  const commitShard = (sha: string): string | null => {
    const commit = view ? new IndexQueries(view.index.db).getCommit(sha) : null;
    return commit
      ? shardMap.shardOfCommit(
          commit.trailers,
          commit.changes.map((change) => change.path),
        )
      : null;
  };
  const commitUrlTemplate = cluster.remote?.commitUrl;
  const app = createApp({
    log,
    intake: {
      config: config.intake,
      tokens: parts.tokens.byRoute,
      grants: parts.tokens.grants,
      normalise: parts.normalise,
      record: (batch) =>
        intake
          ? intake.record(batch)
          : Promise.reject(new ClusterUnavailableError('this replica does not serve intake (cluster.roles)')),
      metrics,
      now,
    },
    health: {
      metrics,
      readiness: (role) =>
        assessClusterReadiness(
          {
            stopping,
            replica,
            roles: cluster.roles,
            connected: link.connected,
            intakeProblems: intake?.problems() ?? [],
            spill: spill?.depth() ?? null,
            shards: statuses.merged(writerStatus()),
            reader: view?.status() ?? null,
          },
          role,
        ),
    },
    ...(view
      ? {
          viewer: createViewerRoutes({
            queries: new IndexQueries(view.index.db),
            reader: new RepositoryReader(view.gitdir),
            config: servedViewerConfig(config.viewer, config.tls !== undefined),
            status: () => statuses.asSources(writerStatus(), view.status()),
            env: viewer.env,
            links: {
              shard: (commit) =>
                shardMap.shardOfCommit(
                  commit.trailers,
                  commit.changes.map((change) => change.path),
                ),
              commitUrl: (sha) => {
                const shard = commitUrlTemplate ? commitShard(sha) : null;
                return shard && commitUrlTemplate
                  ? commitUrlTemplate.replaceAll('{shard}', shard).replaceAll('{sha}', sha)
                  : null;
              },
            },
          }),
        }
      : {}),
  });

  spill?.start();
  writers?.start();
  void watchShards({ registry, statuses, view, signal: abort.signal, log: log.child({ component: 'shard-watch' }) });
  const server = await listen(app, { ...parts.address, tls: config.tls });
  log.info({ replica, roles: cluster.roles, servers: cluster.nats.servers }, 'cluster replica started');

  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });
  const shutdown = async (reason: string): Promise<void> => {
    log.info({ reason }, 'shutting down');
    // Each step is logged: a shutdown that outlasts shutdownTimeoutMs names the step it waited on.
    const step = async (name: string, work: () => Promise<unknown> | undefined) => {
      log.info({ step: name }, 'shutdown step started');
      await work();
      log.info({ step: name }, 'shutdown step done');
    };
    await step('intake server', () => server.close());
    await step('spill', () => spill?.close());
    await step('writers (flush, push, release leases)', () => writers?.stop());
    abort.abort();
    await step('read view', () => view?.close());
    await step('NATS connection', () => link.close());
    log.info('stopped');
  };
  const stop = (reason: string): Promise<number> => {
    if (stopping === null) {
      stopping = reason;
      const timeout = setTimeout(() => {
        log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; the stream keeps what was not pushed');
        resolveStopped(1);
      }, config.shutdownTimeoutMs);
      shutdown(reason).then(
        () => {
          clearTimeout(timeout);
          resolveStopped(0);
        },
        (error: unknown) => {
          clearTimeout(timeout);
          log.error({ err: error }, 'shutdown failed');
          resolveStopped(1);
        },
      );
    }
    return stopped;
  };
  return {
    url: server.url,
    gitdir: view?.gitdir ?? dataFolder(config.data).repo,
    tokens: parts.tokens,
    viewerTokenFile: viewer.installationTokenFile,
    metrics,
    stop,
    stopped,
  };
}
