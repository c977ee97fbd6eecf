// GKE audit entries through Pub/Sub: a Cloud Logging sink (filter `protoPayload.serviceName="k8s.io"`
// and the cluster) publishes each entry to a topic whose push subscription targets this route with a
// Google-signed OIDC token. A 2xx acknowledges the message and anything else is redelivered, so a
// message that holds no usable entry is refused alone (logged, counted) and still acknowledged.
// Cloud Audit Logs entries of other services (a sink on `cloudaudit.googleapis.com%2Factivity`) pushed to
// the same route are recorded as GCP resources (src/sources/gcp-audit); the cluster in the URL names only
// the Kubernetes paths.
import { kubernetesOptions } from '../../formats/kubernetes-audit/normalise.ts';
import { Hono, type MiddlewareHandler } from 'hono';
import { auditServiceName } from '../../sources/gcp-audit/entry.ts';
import { normaliseGcpAuditEntry } from '../../sources/gcp-audit/normalise.ts';
import { normaliseGkeEntry } from '../../sources/gke-audit/normalise.ts';
import { decodePush } from '../../sources/gke-audit/pubsub.ts';
import { PayloadTooLargeError } from '../errors.ts';
import { googleOidcVerifier } from '../google-oidc.ts';
import {
  addResult,
  limitBody,
  type AppEnv,
  emptyDraft,
  type IntakeDeps,
  metricLabel,
  nameParam,
  parseJson,
  recordDraft,
} from '../intake.ts';
import { type IntakeRouteModule, json } from './intake-accepts.ts';

const LABEL = 'POST /ingest/gke/{cluster}/pubsub';

/** A GKE entry (serviceName k8s.io, or not an audit entry) as Kubernetes; another service's as GCP resources. */
function normaliseEntry(entry: unknown, options: Parameters<typeof normaliseGkeEntry>[1], hint: string) {
  const service = auditServiceName(entry);
  return service === undefined || service === 'k8s.io'
    ? normaliseGkeEntry(entry, options, hint)
    : normaliseGcpAuditEntry(entry, options);
}

export function gkePubSubIntakeRoutes(deps: IntakeDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { normalise } = deps;
  const route = deps.config.gkePubSub;
  if (!route.enabled || route.audience === undefined) return app;
  const verify = googleOidcVerifier({ ...route, audience: route.audience }, LABEL);
  const auth: MiddlewareHandler<AppEnv> = async (c, next) => {
    // The push subscription may write the clusters the route lists (scopes are a bearer-token notion).
    await verify(c.req.header('authorization'));
    await next();
  };
  const limit = limitBody(route.maxBodyBytes, 'intake.gkePubSub.maxBodyBytes');
  app.post('/ingest/gke/:cluster/pubsub', auth, limit, async (c) => {
    const cluster = nameParam(c, 'cluster', route.clusters, 'intake.gkePubSub.clusters');
    const receivedAt = deps.now();
    const push = decodePush(parseJson(await c.req.text(), 'a Pub/Sub push envelope'));
    const draft = emptyDraft(1);
    const options = kubernetesOptions(cluster, normalise);
    const hint = `push each cluster's entries to /ingest/gke/<cluster>/pubsub`;
    if (push.kind === 'refused') draft.rejected.push({ index: 0, reason: push.reason });
    else addResult(draft, 0, push.entry, (entry) => normaliseEntry(entry, options, hint), deps, c.get('log'));
    const summary = await recordDraft(
      c,
      deps,
      `gke-pubsub/${cluster}`,
      draft,
      receivedAt,
      metricLabel('gke-pubsub', cluster, route.clusters),
    );
    if (summary.rejected > 0)
      c.get('log').warn(
        { messageId: push.messageId, subscription: push.subscription, problems: summary.problems },
        'Pub/Sub message refused (acknowledged so that it is not redelivered)',
      );
    return c.json({ messageId: push.messageId, ...summary }, 200);
  });
  return app;
}

/** A LogEntry as a Pub/Sub push subscription delivers it: one message per request. */
const pushEnvelope = (entry: unknown, index: number) => ({
  message: {
    data: Buffer.from(JSON.stringify(entry)).toString('base64'),
    messageId: String(9000 + index),
    publishTime: '2026-01-01T00:00:00Z',
  },
  subscription: 'projects/example/subscriptions/gitrail',
});

export const gkePubSubIntake: IntakeRouteModule = {
  routes: gkePubSubIntakeRoutes,
  accepts: [
    {
      path: '/ingest/gke/:cluster/pubsub',
      formats: ['gke-audit', 'gcp-audit'],
      credential: 'google-oidc',
      wrap: (_format, records) => records.map((entry, index) => json(pushEnvelope(entry, index))),
    },
  ],
};
