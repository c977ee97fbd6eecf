// The whole of gitrail.yaml as one zod schema: types, defaults, descriptions and validation
// come from here, and gitrail.schema.json is generated from it. Sections owned by plugins are
// composed from their own schemas. Secrets are never values here, only {env} / {file} refs.
import { IdentitiesConfig } from '../identities/mailmap.ts';
import { z } from 'zod';
import { Duration } from './duration.ts';
import { GkePubSubConfig } from './gke-pubsub.ts';
import { names } from './names.ts';
import { DEFAULT_MAX_INFLATED_BYTES } from '../domain/gunzip.ts';
import { SCOPE_PATTERN } from './scopes.ts';
import { SecretRef } from './secret-ref.ts';
import { DEFAULT_SENSITIVE_KEYS } from '../normalise/redact.ts';
import { ViewerConfig } from './viewer.ts';
import { liveSourcesShape } from '../sources/live-config.ts';
import { NotifyConfig } from '../notify/config.ts';
import { MirrorConfig } from '../mirror/config.ts';
import { CheckpointConfig, RetentionConfig, SigningConfig } from '../checkpoint/config.ts';
import { CloudTrailDigestsConfig } from '../formats/cloudtrail/digests/config.ts';
import { ClusterConfig, ShardsConfig } from '../cluster/config.ts';

const MiB = 1024 * 1024;

export { NAME_PATTERN } from './names.ts';

/** `host:port`, `[ipv6]:port`; port 0 picks a free port. */
export const LISTEN_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;

/** `group/resource` as in RBAC rules, `core` for the legacy group (`apps/deployments`, `core/configmaps`), or `*`. */
const GroupResource = z
  .string()
  .regex(/^(\*|[a-z0-9.-]+\/[a-z0-9.-]+)$/, 'must be <group>/<resource> (core for the legacy group) or *');

function routeShape(maxBodyBytes: number, enabled = true) {
  return {
    enabled: z.boolean().default(enabled).describe('whether the route is served (404 when off)'),
    tokens: z
      .array(SecretRef)
      .default([])
      .describe(
        'bearer tokens this route accepts besides GITRAIL_INGEST_TOKEN; with neither, the installation token in ' +
          '<data>/keys/ingest-token',
      ),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(maxBodyBytes)
      .describe('largest request body accepted; larger bodies get 413'),
  };
}

export const IntakeConfig = z
  .object({
    kubernetesAudit: z
      .object({ ...routeShape(32 * MiB), clusters: names('cluster names') })
      .strict()
      .prefault({})
      .describe('POST /ingest/kubernetes/{cluster}/audit: the kube-apiserver audit webhook backend (EventList)'),
    kubernetesAdmission: z
      .object({ ...routeShape(8 * MiB), clusters: names('cluster names') })
      .strict()
      .prefault({})
      .describe(
        'POST /ingest/kubernetes/{cluster}/admission: a validating admission webhook (AdmissionReview v1), ' +
          'recorded as attribution only',
      ),
    cloudtrail: z
      .object(routeShape(16 * MiB))
      .strict()
      .prefault({})
      .describe('POST /ingest/cloudtrail: CloudTrail records ({"Records":[…]}, one record, or an EventBridge event)'),
    events: z
      .object({ ...routeShape(16 * MiB), sources: names('source names') })
      .strict()
      .prefault({})
      .describe(
        'POST /ingest/events/{source}: generic change events (JSON array or NDJSON), written under custom/{source}/',
      ),
    eksFirehose: z
      .object({ ...routeShape(64 * MiB, false), clusters: names('cluster names') })
      .strict()
      .prefault({})
      .describe(
        'POST /ingest/eks/{cluster}/firehose: an Amazon Data Firehose HTTP endpoint fed by a CloudWatch Logs ' +
          'subscription on /aws/eks/{cluster}/cluster; the tokens are Firehose access keys (X-Amz-Firehose-Access-Key)',
      ),
    gkePubSub: GkePubSubConfig,
    grants: z
      .array(
        z
          .object({
            token: SecretRef.describe('the bearer token (at least 16 characters)'),
            scopes: z
              .array(
                z
                  .string()
                  .regex(
                    SCOPE_PATTERN,
                    'must be kubernetes:<cluster>, cloudtrail:<12-digit account>, events:<source>, <kind>:* or *',
                  ),
              )
              .min(1)
              .describe('what the token may write: kubernetes:<cluster>, cloudtrail:<account>, events:<source>, or *'),
          })
          .strict(),
      )
      .default([])
      .describe(
        'tokens bound to scopes, accepted on every route their scopes reach; a request outside them gets 403 and ' +
          'writes nothing',
      ),
  })
  .strict()
  .describe('the HTTP intake routes and their tokens');

export const Config = z
  .object({
    data: z
      .string()
      .min(1)
      .default('./gitrail-data')
      .describe('data folder: repo.git, index.db, journal/, keys/ (overridden by --data or GITRAIL_DATA)'),
    listen: z
      .string()
      .regex(LISTEN_PATTERN, 'must be host:port')
      .default('127.0.0.1:8080')
      .describe('address the HTTP server listens on, host:port (overridden by --listen or GITRAIL_LISTEN)'),
    tls: z
      .object({
        certFile: z.string().min(1).describe('PEM certificate chain file'),
        keyFile: z.string().min(1).describe('PEM private key file'),
      })
      .strict()
      .optional()
      .describe('serve HTTPS instead of HTTP (admission webhooks require it)'),
    log: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('lowest level logged (overridden by GITRAIL_LOG_LEVEL)'),
      })
      .strict()
      .prefault({})
      .describe('logging (JSON lines on stdout)'),
    committer: z
      .object({
        name: z.string().min(1).default('gitrail').describe('committer name'),
        email: z.string().min(1).default('gitrail@localhost').describe('committer email'),
      })
      .strict()
      .prefault({})
      .describe('the git committer of every commit (the author is always the actor)'),
    redaction: z
      .object({
        keyFile: z
          .string()
          .min(1)
          .optional()
          .describe(
            'file holding the secret-hashing key (≥ 16 bytes); default <data>/keys/redaction.key, created on ' +
              'first start',
          ),
        sensitiveKeys: z
          .array(z.string().min(1))
          .default([])
          .describe(
            'key names (case-insensitive) whose values are hashed wherever they appear, added to the built-in ' +
              `defaults (${DEFAULT_SENSITIVE_KEYS.join(', ')}) and the per-service AWS table`,
          ),
      })
      .strict()
      .prefault({})
      .describe('how secret values are kept out of the repository'),
    noise: z
      .object({
        keepStatus: z
          .array(GroupResource)
          .default([])
          .describe('Kubernetes resources whose status is kept, in a sibling <name>.status.yaml'),
        dropFields: z
          .record(GroupResource, z.array(z.string().min(1)))
          .default({})
          .describe(
            'per resource (or * for all), dotted field paths removed before writing; \\. escapes a dot in a key',
          ),
      })
      .strict()
      .prefault({})
      .describe('fields that change without anyone changing the configuration'),
    intake: IntakeConfig.prefault({}),
    limits: z
      .object({
        futureSkew: Duration.prefault('1d').describe(
          'how far past the clock of this machine an event time may be; later events are refused',
        ),
        maxInflatedBytes: z
          .number()
          .int()
          .min(1024 * 1024)
          .default(DEFAULT_MAX_INFLATED_BYTES)
          .describe(
            'largest gunzipped input file `gitrail ingest` reads (default 256 MiB); a larger one is a problem ' +
              'naming the file and the run goes on with the next',
          ),
      })
      .strict()
      .prefault({})
      .describe(
        'what every input record must keep to (issue 10): times from 1970 to now + futureSkew; the fixed ' +
          'limits are in the README',
      ),
    journal: z
      .object({
        segmentBytes: z
          .number()
          .int()
          .min(64 * 1024)
          .default(64 * MiB)
          .describe('size at which the journal starts a new segment file'),
        maxBytes: z
          .number()
          .int()
          .min(MiB)
          .default(1024 * MiB)
          .describe('backlog not yet committed above which intake answers 503 (senders retry)'),
      })
      .strict()
      .prefault({})
      .describe('the durable intake journal (<data>/journal/)'),
    drain: z
      .object({
        maxChangesPerFlush: z
          .number()
          .int()
          .min(1)
          .default(2000)
          .describe('changes applied before the ledger writes a pack and moves the refs'),
        flushIntervalMs: z
          .number()
          .int()
          .min(0)
          .default(200)
          .describe('least time between two flushes while events trickle in (bounds the number of packs written)'),
      })
      .strict()
      .prefault({})
      .describe('how the journal is drained into the repository'),
    shutdownTimeoutMs: z
      .number()
      .int()
      .min(0)
      .default(30_000)
      .describe('how long a graceful shutdown may take to drain the journal before exiting anyway'),
    viewer: ViewerConfig.prefault({}),
    ...liveSourcesShape,
    cloudtrailDigests: CloudTrailDigestsConfig.prefault({}),
    notify: NotifyConfig.prefault({}),
    mirrors: z.array(MirrorConfig).default([]).describe('git remotes the repository is pushed to'),
    signing: SigningConfig.prefault({}),
    checkpoint: CheckpointConfig.prefault({}),
    retention: RetentionConfig.prefault({}),
    identities: IdentitiesConfig,
    cluster: ClusterConfig.optional(),
    shards: ShardsConfig,
  })
  .strict()
  .describe('gitrail.yaml: the configuration of a gitrail installation');

export type Config = z.infer<typeof Config>;
export type IntakeConfig = z.infer<typeof IntakeConfig>;
/** A bearer-token intake route's key in `intake` (gkePubSub is authenticated by Google's OIDC tokens). */
export type IntakeRoute = Exclude<keyof IntakeConfig, 'grants' | 'gkePubSub'>;
export const INTAKE_ROUTES: readonly IntakeRoute[] = [
  'kubernetesAudit',
  'kubernetesAdmission',
  'cloudtrail',
  'events',
  'eksFirehose',
];
