// The connection to the NATS cluster and the JetStream resources every replica relies on: the
// stream (created or brought to the configured replicas), the lease bucket and the shard
// registry. Connecting happens in the background, so an intake replica starts (and spills)
// while NATS is down; whoever needs JetStream awaits `ready()`.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  DiscardPolicy,
  jetstream,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { resolveSecret } from '../config/secret-ref.ts';
import type { ClusterConfig } from './config.ts';
import { ClusterUnavailableError } from './errors.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ClusterResources {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Shard leases: one key per shard, expiring leaseTtl after the last renewal. */
  readonly leases: KV;
  /** Shard registry and status: one key per shard, written by intake (first use) and by its writer. */
  readonly shards: KV;
  /** Each shard's last checkpoint pushed to its remote (checkpoint-witness.ts): one key per shard. */
  readonly checkpoints: KV;
  /** The largest message the servers accept. */
  readonly maxPayload: number;
}

const MS = 1_000_000;

/** This replica's name: cluster.replica, else HOSTNAME (the pod name), else the host name. */
export function replicaName(config: ClusterConfig, env: NodeJS.ProcessEnv): string {
  return config.replica ?? env['HOSTNAME'] ?? hostname();
}

export function natsConnectOptions(config: ClusterConfig, env: NodeJS.ProcessEnv, name: string) {
  const { nats } = config;
  return {
    servers: nats.servers,
    name: nats.name ?? `gitrail ${name}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 5_000,
    pingInterval: 5_000,
    maxPingOut: 2,
    ...(nats.user ? { user: nats.user } : {}),
    ...(nats.password ? { pass: resolveSecret(nats.password, 'cluster.nats.password', env) } : {}),
    ...(nats.token ? { token: resolveSecret(nats.token, 'cluster.nats.token', env) } : {}),
    ...(nats.credentialsFile
      ? { authenticator: credsAuthenticator(new Uint8Array(readFileSync(nats.credentialsFile))) }
      : {}),
    ...(nats.caFile ? { tls: { caFile: nats.caFile } } : {}),
  };
}

/** A one-shot connection for a CLI command: no reconnecting; a refusal names the servers. */
export async function connectOnce(
  config: ClusterConfig,
  env: NodeJS.ProcessEnv,
  name: string,
): Promise<NatsConnection> {
  try {
    return await connect({ ...natsConnectOptions(config, env, name), maxReconnectAttempts: 0 });
  } catch (error) {
    throw new ClusterUnavailableError(`cannot connect to NATS (${config.nats.servers.join(', ')})`, { cause: error });
  }
}

/** Creates the stream, or brings its replicas, size and duplicate window to the configuration. */
async function ensureStream(jsm: JetStreamManager, config: ClusterConfig): Promise<void> {
  const { stream } = config;
  const wanted = {
    subjects: [`${stream.subject}.shard.>`],
    num_replicas: stream.replicas,
    duplicate_window: stream.duplicateWindow * MS,
    max_bytes: stream.maxBytes,
  };
  const existing = await jsm.streams.info(stream.name).catch((error: unknown) => {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return null;
    throw error;
  });
  if (!existing) {
    await jsm.streams.add({
      name: stream.name,
      ...wanted,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      description: 'gitrail: intake batches per shard, kept until the shard repository is pushed',
    });
    return;
  }
  const current = existing.config;
  if (
    current.num_replicas !== wanted.num_replicas ||
    current.duplicate_window !== wanted.duplicate_window ||
    current.max_bytes !== wanted.max_bytes ||
    current.subjects?.join() !== wanted.subjects.join()
  )
    await jsm.streams.update(stream.name, { ...current, ...wanted });
}

export class NatsLink {
  readonly #config: ClusterConfig;
  readonly #log: Logger;
  #nc: NatsConnection | null = null;
  #resources: Promise<ClusterResources>;
  #closed = false;
  #connected = false;

  constructor(config: ClusterConfig, env: NodeJS.ProcessEnv, replica: string, log: Logger) {
    this.#config = config;
    this.#log = log;
    this.#resources = this.#start(natsConnectOptions(config, env, replica));
    // Callers that never await ready() (a replica stopped early) must not see an unhandled rejection.
    this.#resources.catch(() => undefined);
  }

  /** True while a server connection is up. */
  get connected(): boolean {
    return this.#connected && !this.#closed;
  }

  /** Resolves once connected and the stream and buckets exist. */
  ready(): Promise<ClusterResources> {
    return this.#resources;
  }

  async #connect(options: ReturnType<typeof natsConnectOptions>): Promise<NatsConnection> {
    for (let attempt = 0; ; attempt += 1) {
      if (this.#closed) throw new ClusterUnavailableError('the NATS connection was closed while connecting');
      try {
        return await connect(options);
      } catch (error) {
        if (attempt % 10 === 0)
          this.#log.warn({ err: error, servers: options.servers }, 'cannot connect to NATS; retrying');
        await sleep(Math.min(2_000, 100 * 2 ** attempt));
      }
    }
  }

  async #start(options: ReturnType<typeof natsConnectOptions>): Promise<ClusterResources> {
    const nc = await this.#connect(options);
    this.#nc = nc;
    this.#connected = true;
    if (this.#closed) {
      await nc.close();
      throw new ClusterUnavailableError('the NATS connection was closed while connecting');
    }
    void this.#watchStatus(nc);
    this.#log.info({ server: nc.getServer() }, 'connected to NATS');
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.#setUp(nc);
      } catch (error) {
        if (this.#closed) throw error;
        // Right after a cluster starts there is no JetStream leader yet: retry.
        this.#log.warn({ err: error, attempt }, 'JetStream not ready; retrying');
        await sleep(Math.min(5_000, 250 * 2 ** attempt));
      }
    }
  }

  async #setUp(nc: NatsConnection): Promise<ClusterResources> {
    const { stream, writer } = this.#config;
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    await ensureStream(jsm, this.#config);
    const kvm = new Kvm(nc);
    const leases = await kvm.create(`${stream.name}-leases`, {
      history: 1,
      ttl: writer.leaseTtl,
      replicas: stream.replicas,
    });
    const shards = await kvm.create(`${stream.name}-shards`, { history: 1, replicas: stream.replicas });
    const checkpoints = await kvm.create(`${stream.name}-checkpoints`, { history: 1, replicas: stream.replicas });
    return {
      nc,
      js: jetstream(nc, { timeout: stream.publishTimeout }),
      jsm,
      leases,
      shards,
      checkpoints,
      maxPayload: nc.info?.max_payload ?? 1024 * 1024,
    };
  }

  async #watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        this.#connected = false;
        this.#log.warn({ server: status.server }, 'disconnected from NATS');
      } else if (status.type === 'reconnect') {
        this.#connected = true;
        this.#log.info({ server: status.server }, 'reconnected to NATS');
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#connected = false;
    await this.#nc?.close();
  }
}
