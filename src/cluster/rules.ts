// Cross-field rules of the cluster mode, run with the others by `gitrail check-config` and at
// start-up: what a replica cannot run with, named by key, before anything connects.
import { resolveSecret } from '../config/secret-ref.ts';
import { INGEST_TOKEN_ENV } from '../config/intake-tokens.ts';
import { INTAKE_ROUTES, type Config } from '../config/schema.ts';
import { hasViewerAuth } from '../config/viewer-token.ts';
import { ConfigError } from '../domain/errors.ts';

function resolves(
  ref: Parameters<typeof resolveSecret>[0] | undefined,
  where: string,
  env: NodeJS.ProcessEnv,
): string[] {
  if (!ref) return [];
  try {
    resolveSecret(ref, where, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

export function checkCluster(config: Config, env: NodeJS.ProcessEnv, hasNamedKeyFile: boolean): string[] {
  const { cluster, shards } = config;
  if (!cluster) return shards.length > 0 ? ['shards: shards are only used in cluster mode (cluster.nats)'] : [];
  const problems: string[] = [];
  if (!hasNamedKeyFile)
    problems.push(
      'redaction.keyFile: every replica must hash secrets with the same key; mount one (a Secret) and name it here ' +
        'or in GITRAIL_REDACTION_KEY_FILE',
    );
  // A token made on one replica's first start is unknown to the others behind the same Service.
  if (cluster.roles.includes('intake') && !env[INGEST_TOKEN_ENV])
    for (const route of INTAKE_ROUTES)
      if (config.intake[route].enabled && config.intake[route].tokens.length === 0)
        problems.push(
          `intake.${route}.tokens: every replica must accept the same tokens: set ${INGEST_TOKEN_ENV} or ` +
            `intake.${route}.tokens`,
        );
  if (cluster.roles.includes('reader') && !hasViewerAuth(config.viewer, env))
    problems.push(
      'viewer: every replica must accept the same readers: set GITRAIL_VIEW_TOKEN, viewer.tokens or ' +
        'viewer.trustedProxy',
    );
  const unsupported: Array<[string, boolean]> = [
    ['kubernetes', config.kubernetes.length > 0],
    ['cloudtrail', config.cloudtrail.length > 0],
    ['cloudtrailS3', config.cloudtrailS3.length > 0],
    ['eksAudit', config.eksAudit.length > 0],
    ['aksAudit', config.aksAudit.length > 0],
    ['notify.channels', Object.keys(config.notify.channels).length > 0],
    // Each shard's checkpoints are pushed to its remote (the witness); announcing them needs notify.channels.
    ['checkpoint.notify', config.checkpoint.notify !== undefined],
    ['mirrors', config.mirrors.length > 0],
  ];
  for (const [key, used] of unsupported)
    if (used)
      problems.push(
        key === 'mirrors'
          ? 'mirrors: in cluster mode each shard is pushed to cluster.remote (with {shard}) instead'
          : `${key}: not available in cluster mode yet (live sources and notifications run in the single-process mode)`,
      );
  const names = new Set<string>();
  shards.forEach((shard, index) => {
    if (names.has(shard.name)) problems.push(`shards[${index}].name: ${shard.name} is listed twice`);
    names.add(shard.name);
    if (shard.kubernetes.length + shard.aws.length + shard.generic.length === 0)
      problems.push(`shards[${index}]: names no kubernetes, aws or generic globs, so nothing would go to it`);
    if (shard.remote === undefined && !cluster.remote && shard.writers.length === 0 && cluster.roles.includes('writer'))
      problems.push(
        `shards[${index}]: has no remote (nor cluster.remote), so it needs writers: (the replicas whose volume ` +
          `keeps it)`,
      );
    if (shard.remote === undefined && cluster.remote && !cluster.remote.url.includes('{shard}'))
      problems.push(`cluster.remote.url: has no {shard}, so every shard would push to the same repository`);
  });
  if (cluster.remote && !cluster.remote.url.includes('{shard}') && shards.length === 0)
    problems.push('cluster.remote.url: has no {shard}, so every shard would push to the same repository');
  if (cluster.nats.password && !cluster.nats.user) problems.push('cluster.nats.password: needs cluster.nats.user');
  problems.push(
    ...resolves(cluster.nats.password, 'cluster.nats.password', env),
    ...resolves(cluster.nats.token, 'cluster.nats.token', env),
    ...resolves(cluster.remote?.token, 'cluster.remote.token', env),
  );
  return [...new Set(problems)];
}
