// A gitrail cluster for e2e tests: real nats-server nodes, a real git server (`git http-backend`)
// holding one repository per shard, and real `gitrail run` replicas sharing one config, one
// redaction key and one intake token. Replicas can be SIGKILLed and started again.
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { TestContext } from 'node:test';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { GitHttpServer } from '../fakes/git-http-backend.ts';
import { startDaemonProcess, type DaemonProcess } from './daemon-process.ts';
import { NatsCluster } from './nats-cluster.ts';

export const CLUSTER_TOKEN = 'cluster-test-token-0123456789';
export const VIEW_TOKEN = 'cluster-view-token-0123456789';
const GIT_USER = { username: 'gitrail', password: 'git-remote-password-0123' };

export interface RigOptions {
  readonly natsNodes?: number;
  readonly replicas?: number;
  readonly streamReplicas?: number;
  /** Shards whose remote repositories are created up front. */
  readonly shards: readonly string[];
  /** Merged over the generated cluster: section. */
  readonly cluster?: Record<string, unknown>;
  /** Top-level keys merged over the generated config. */
  readonly config?: Record<string, unknown>;
  /** No remote: the StatefulSet set-up (a volume per shard). */
  readonly noRemote?: boolean;
  /** cluster.remote.interval (default 300ms: tests want pushes soon). */
  readonly pushInterval?: string;
}

export class ClusterRig {
  readonly dir: string;
  readonly nats: NatsCluster;
  readonly git: GitHttpServer | null;
  readonly configFile: string;
  readonly replicas: Array<DaemonProcess | null>;
  readonly #env: NodeJS.ProcessEnv;

  private constructor(
    dir: string,
    nats: NatsCluster,
    git: GitHttpServer | null,
    configFile: string,
    env: NodeJS.ProcessEnv,
    count: number,
  ) {
    this.dir = dir;
    this.nats = nats;
    this.git = git;
    this.configFile = configFile;
    this.#env = env;
    this.replicas = Array.from({ length: count }, () => null);
  }

  /**
   * A rig in a temporary folder, closed (every process killed) and removed when the test ends:
   * in one hook, so the folder is never removed under running servers.
   */
  static async start(t: Pick<TestContext, 'after'>, options: RigOptions): Promise<ClusterRig> {
    const dir = mkdtempSync(join(tmpdir(), 'gitrail-cluster-'));
    let rig: ClusterRig | null = null;
    t.after(async () => {
      await rig?.close();
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    });
    rig = await ClusterRig.#start(dir, options);
    return rig;
  }

  static async #start(dir: string, options: RigOptions): Promise<ClusterRig> {
    const nats = await NatsCluster.start(join(dir, 'nats'), { nodes: options.natsNodes ?? 3 });
    const git = options.noRemote ? null : await GitHttpServer.start(join(dir, 'remotes'), GIT_USER);
    for (const shard of options.shards) git?.createRepository(shard);
    const keyFile = join(dir, 'redaction.key');
    writeFileSync(keyFile, randomBytes(32));
    writeFileSync(join(dir, 'git-password'), GIT_USER.password);
    const config = {
      shutdownTimeoutMs: 60_000,
      redaction: { keyFile },
      drain: { flushIntervalMs: 100 },
      cluster: {
        nats: { servers: nats.urls },
        stream: { replicas: options.streamReplicas ?? Math.min(3, nats.size) },
        writer: { leaseTtl: '8s' },
        ...(git
          ? {
              remote: {
                url: git.url('{shard}'),
                username: GIT_USER.username,
                token: { file: join(dir, 'git-password') },
                interval: options.pushInterval ?? '300ms',
                initialBackoff: '200ms',
                maxBackoff: '2s',
              },
            }
          : {}),
        ...options.cluster,
      },
      ...options.config,
    };
    const configFile = join(dir, 'gitrail.yaml');
    writeFileSync(configFile, yaml.dump(config));
    const env = { GITRAIL_INGEST_TOKEN: CLUSTER_TOKEN, GITRAIL_VIEW_TOKEN: VIEW_TOKEN };
    const rig = new ClusterRig(dir, nats, git, configFile, env, options.replicas ?? 3);
    await Promise.all(rig.replicas.map((_, index) => rig.startReplica(index)));
    return rig;
  }

  dataDir(index: number): string {
    return join(this.dir, `replica-${index}`);
  }

  async startReplica(index: number): Promise<DaemonProcess> {
    mkdirSync(this.dataDir(index), { recursive: true });
    const replica = await startDaemonProcess({
      dataDir: this.dataDir(index),
      args: ['--config', this.configFile],
      env: { ...this.#env, HOSTNAME: `replica-${index}` },
    });
    this.replicas[index] = replica;
    this.#streamLogs(index, replica);
    return replica;
  }

  replica(index: number): DaemonProcess {
    const replica = this.replicas[index];
    if (!replica) throw new Error(`replica ${index} is not running`);
    return replica;
  }

  async killReplica(index: number): Promise<void> {
    await this.replicas[index]?.kill();
    this.replicas[index] = null;
  }

  /** The shard's repository on the git server. */
  remote(shard: string): string {
    return join(this.dir, 'remotes', `${shard}.git`);
  }

  /** GITRAIL_TEST_LOGS=<dir>: every replica's log (also of killed ones) is appended to a file there as it comes. */
  #streamLogs(index: number, replica: DaemonProcess): void {
    const dir = process.env['GITRAIL_TEST_LOGS'];
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `replica-${index}.log`);
    appendFileSync(file, `${replica.logs.map((line) => JSON.stringify(line)).join('\n')}\n`);
    replica.child.stdout?.on('data', (chunk: Buffer) => appendFileSync(file, chunk));
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((replica) => replica?.kill()));
    await this.nats.close();
    await this.git?.close();
  }
}
