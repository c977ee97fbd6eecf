// gitrail.yaml's `cluster:` and `shards:` sections (DESIGN §7): the NATS JetStream connection,
// the replicated stream, this replica's roles, the writer leases, the shards' git remotes and
// the local spill buffer. Without `cluster:` none of this is read and gitrail runs in one process.
import { z } from 'zod';
import { Duration } from '../config/duration.ts';
import { SecretRef } from '../config/secret-ref.ts';

const MiB = 1024 * 1024;

/** A shard's name: a NATS subject token, a KV key, a consumer name and a folder name. */
export const SHARD_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;
const ShardName = z
  .string()
  .regex(SHARD_NAME_PATTERN, 'must be 1-80 letters, digits, "_" or "-", starting with a letter or digit');

const Globs = (what: string) =>
  z.array(z.string().min(1)).default([]).describe(`${what} (globs, * matches any run of characters)`);

export const ShardRemoteConfig = z
  .object({
    url: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
      .describe('smart-HTTP(S) URL of each shard repository; {shard} is replaced by the shard name'),
    username: z.string().min(1).default('x-access-token').describe('user name sent with the token'),
    token: SecretRef.optional().describe('token (the Basic auth password), from {env: NAME} or {file: PATH}'),
    transport: z
      .enum(['isomorphic-git', 'git'])
      .default('git')
      .describe('push with the git CLI (default, fast on large histories) or isomorphic-git'),
    interval: Duration.default(5_000).describe('new commits are pushed at most this often'),
    batchCommits: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe('push without waiting for the interval once this many commits are new'),
    initialBackoff: Duration.default(2_000).describe('wait after a failed push or fetch; doubles up to maxBackoff'),
    maxBackoff: Duration.default(60_000).describe('longest wait between failed pushes or fetches'),
    commitUrl: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
      .optional()
      .describe('web page of a commit, for the viewer: {shard} and {sha} are replaced (e.g. a GitHub commit URL)'),
  })
  .strict()
  .describe(
    'where each shard repository is pushed (never forced) and restored from on failover; the repositories must exist',
  );
export type ShardRemoteConfig = z.infer<typeof ShardRemoteConfig>;

export const ShardConfig = z
  .object({
    name: ShardName.describe('the shard name: its stream subject, lease key and repository folder'),
    kubernetes: Globs('Kubernetes cluster names whose resources and events go to this shard'),
    aws: Globs('AWS account ids whose resources and events go to this shard'),
    generic: Globs('generic sources (custom/<source>) and other kinds whose changes go to this shard'),
    remote: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
      .optional()
      .describe('this shard repository URL, instead of cluster.remote.url with {shard}'),
    writers: z
      .array(z.string().min(1))
      .default([])
      .describe('replicas (cluster.replica) allowed to write this shard; empty allows any writer (a StatefulSet pins)'),
  })
  .strict()
  .describe('one shard: a repository with its own writer; the first shard whose globs match a change takes it');
export type ShardConfig = z.infer<typeof ShardConfig>;

export const ShardsConfig = z
  .array(ShardConfig)
  .default([])
  .describe(
    'cluster mode: which repository each change goes to; unmatched changes go to kubernetes-<cluster>, ' +
      'aws-<account> or generic',
  );

export const ClusterConfig = z
  .object({
    nats: z
      .object({
        servers: z.array(z.string().min(1)).min(1).describe('NATS server URLs (nats://host:4222); any subset will do'),
        user: z.string().min(1).optional().describe('user name, with password'),
        password: SecretRef.optional().describe('password of user'),
        token: SecretRef.optional().describe('authentication token'),
        credentialsFile: z.string().min(1).optional().describe('a NATS .creds file (JWT + NKey seed)'),
        caFile: z.string().min(1).optional().describe('PEM CA certificate for TLS to NATS'),
        name: z.string().min(1).optional().describe('connection name shown by the NATS server (default: replica)'),
      })
      .strict()
      .describe('the NATS JetStream cluster'),
    replica: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1-63 letters, digits, ".", "_" or "-"')
      .optional()
      .describe('this replica name in leases and status (default: the HOSTNAME variable, else the host name)'),
    roles: z
      .array(z.enum(['intake', 'writer', 'reader']))
      .min(1)
      .default(['intake', 'writer', 'reader'])
      .describe('what this replica does: serve intake, write shards, serve the viewer/API over all shards'),
    stream: z
      .object({
        name: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,32}$/)
          .default('GITRAIL')
          .describe('JetStream stream name; KV buckets are named after it'),
        subject: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,32}$/)
          .default('gitrail')
          .describe('subject prefix: batches of shard S go to <subject>.shard.S'),
        replicas: z
          .number()
          .int()
          .min(1)
          .max(5)
          .default(3)
          .describe('copies of every stored batch, leases and status (1, 3 or 5; at most the NATS nodes)'),
        duplicateWindow: Duration.default(600_000).describe(
          'a batch published again within this time is stored once (longer than the webhook retry window)',
        ),
        maxBytes: z
          .number()
          .int()
          .default(-1)
          .describe('stream size above which intake is refused (503 or spill); -1 is the NATS server limit'),
        publishTimeout: Duration.default(10_000).describe('how long intake waits for the stream to store a batch'),
      })
      .strict()
      .prefault({})
      .describe('the replicated stream that holds every batch until its shard repository is pushed'),
    writer: z
      .object({
        leaseTtl: Duration.default(15_000).describe(
          'a shard lease not renewed within this time expires and another replica takes the shard',
        ),
        ackWait: Duration.default(300_000).describe('a delivered batch not acknowledged within this time is resent'),
      })
      .strict()
      .prefault({})
      .describe('the shard writers'),
    remote: ShardRemoteConfig.optional(),
    spill: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('while NATS cannot store a batch, keep it in <data>/spill (fsynced) and answer 202; else 503'),
        maxBytes: z
          .number()
          .int()
          .min(MiB)
          .default(1024 * MiB)
          .describe('spilled bytes above which intake answers 503'),
      })
      .strict()
      .prefault({})
      .describe('the local spill buffer used while NATS is unreachable'),
  })
  .strict()
  .describe('run as one of several replicas on NATS JetStream (DESIGN §7); absent: one process, local journal');
export type ClusterConfig = z.infer<typeof ClusterConfig>;
export type ClusterRole = ClusterConfig['roles'][number];
