// Kubernetes intake: the apiserver's audit webhook (an EventList; any well-formed list gets a
// 2xx, since the apiserver retries every other answer for ~80 s and then drops the batch) and
// a validating admission webhook (always allowed, recorded as attribution facts only).
import { Hono } from 'hono';
import { InvalidInputError } from '../../domain/errors.ts';
import { isObject } from '../../domain/json.ts';
import {
  admissionResponse,
  normaliseAdmissionReview,
  readAdmissionReview,
} from '../../sources/kubernetes-admission/normalise.ts';
import { normaliseAuditEvent } from '../../formats/kubernetes-audit/normalise.ts';
import {
  addResult,
  emptyDraft,
  guard,
  requireScope,
  nameParam,
  parseJson,
  metricLabel,
  recordDraft,
  recordPrepared,
  type AppEnv,
  type IntakeDeps,
} from '../intake.ts';
import { type IntakeRouteModule, json } from './intake-accepts.ts';

/** The items of an EventList (also a lone audit Event); anything else is not the route's document. */
export function eventListItems(body: unknown): readonly unknown[] {
  if (!isObject(body)) throw new InvalidInputError('the body is not an audit EventList (a JSON object)');
  const kind = body['kind'];
  if (kind === 'Event' || (kind === undefined && typeof body['auditID'] === 'string')) return [body];
  if (kind !== undefined && kind !== 'EventList')
    throw new InvalidInputError(`kind ${JSON.stringify(kind)} is not EventList`);
  const apiVersion = body['apiVersion'];
  if (apiVersion !== undefined && (typeof apiVersion !== 'string' || !apiVersion.startsWith('audit.k8s.io/'))) {
    throw new InvalidInputError(`apiVersion ${JSON.stringify(apiVersion)} is not audit.k8s.io/v1`);
  }
  const items = body['items'];
  // Go encodes an empty list as null.
  if (items === undefined || items === null) {
    if (kind === undefined) throw new InvalidInputError('the body has neither kind: EventList nor items');
    return [];
  }
  if (!Array.isArray(items)) throw new InvalidInputError('items is not a list');
  return items;
}

export function kubernetesIntakeRoutes(deps: IntakeDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { config, normalise } = deps;
  if (config.kubernetesAudit.enabled) {
    app.post(
      '/ingest/kubernetes/:cluster/audit',
      guard('kubernetesAudit', 'POST /ingest/kubernetes/{cluster}/audit', deps),
      async (c) => {
        const cluster = nameParam(c, 'cluster', config.kubernetesAudit.clusters, 'intake.kubernetesAudit.clusters');
        requireScope(c, 'kubernetes', cluster);
        const receivedAt = deps.now();
        const source = `kubernetes-audit/${cluster}`;
        const label = metricLabel('kubernetes-audit', cluster, config.kubernetesAudit.clusters);
        if (deps.offload) {
          // Issue 12: parsed, normalised and serialised in a worker; only the journal append is done here.
          const body = new Uint8Array(await c.req.arrayBuffer());
          const outcome = await deps.offload.prepareAudit({ cluster, source, body, receivedAt });
          return c.json(await recordPrepared(c, deps, deps.offload, source, outcome, receivedAt, label), 202);
        }
        const items = eventListItems(parseJson(await c.req.text(), 'an audit EventList'));
        const draft = emptyDraft(items.length);
        const options = {
          cluster,
          redact: normalise.redact,
          sensitiveKeys: normalise.sensitiveKeys,
          noiseRules: normalise.noiseRules,
        };
        items.forEach((item, index) =>
          addResult(draft, index, item, (input) => normaliseAuditEvent(input, options), deps, c.get('log')),
        );
        return c.json(await recordDraft(c, deps, source, draft, receivedAt, label), 202);
      },
    );
  }
  if (config.kubernetesAdmission.enabled) {
    app.post(
      '/ingest/kubernetes/:cluster/admission',
      guard('kubernetesAdmission', 'POST /ingest/kubernetes/{cluster}/admission', deps),
      async (c) => {
        const cluster = nameParam(
          c,
          'cluster',
          config.kubernetesAdmission.clusters,
          'intake.kubernetesAdmission.clusters',
        );
        requireScope(c, 'kubernetes', cluster);
        const receivedAt = deps.now();
        const read = readAdmissionReview(parseJson(await c.req.text(), 'an AdmissionReview'));
        if (!read.ok) throw new InvalidInputError(read.reason);
        const draft = emptyDraft(1);
        const review = read.review;
        const options = { cluster, receivedAt };
        addResult(draft, 0, review, () => normaliseAdmissionReview(review, options), deps, c.get('log'));
        try {
          await recordDraft(
            c,
            deps,
            `kubernetes-admission/${cluster}`,
            draft,
            receivedAt,
            metricLabel('kubernetes-admission', cluster, config.kubernetesAdmission.clusters),
          );
        } catch (error) {
          // Fail open: a full, closing or failed journal must never block the cluster's writes.
          c.get('log').error({ err: error, cluster }, 'admission review allowed without being recorded');
        }
        return c.json(admissionResponse(read.review), 200);
      },
    );
  }
  return app;
}

export const kubernetesIntake: IntakeRouteModule = {
  routes: kubernetesIntakeRoutes,
  accepts: [
    {
      path: '/ingest/kubernetes/:cluster/audit',
      formats: ['kubernetes-audit'],
      credential: 'bearer',
      wrap: (_format, records) => [json({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: records })],
    },
    {
      path: '/ingest/kubernetes/:cluster/admission',
      noFormat: 'an AdmissionReview is recorded as attribution facts only; `gitrail ingest` reads no such format',
    },
  ],
};
