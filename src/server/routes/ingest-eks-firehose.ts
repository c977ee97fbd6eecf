// EKS audit events through Amazon Data Firehose: a CloudWatch Logs subscription filter on the
// cluster's log group feeds a Firehose stream whose HTTP endpoint is this route. Firehose speaks
// its own protocol (src/sources/eks-audit/firehose.ts): the access key comes in a header, and
// every answer, failures included, is `{requestId, timestamp[, errorMessage]}` as JSON. A 200
// acknowledges the delivery; anything else is retried, so a poison record is refused alone
// (logged and counted) and the delivery still acknowledged.
import { gzipSync } from 'node:zlib';
import { type Context, Hono } from 'hono';
import { GitrailError, InvalidInputError } from '../../domain/errors.ts';
import { gunzipCapped, InflateLimitError } from '../../domain/gunzip.ts';
import { kubernetesOptions } from '../../formats/kubernetes-audit/normalise.ts';
import { ACCESS_KEY_HEADER, decodeDelivery, type FirehoseReply, reply } from '../../sources/eks-audit/firehose.ts';
import { normaliseEksEvent } from '../../sources/eks-audit/identity.ts';
import { grantMatcher } from '../auth.ts';
import { PayloadTooLargeError, STATUS_BY_CODE, UnauthorizedError } from '../errors.ts';
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
  requireScope,
  routeGrants,
} from '../intake.ts';
import { type IntakeRouteModule, json } from './intake-accepts.ts';

const REQUEST_ID_HEADER = 'x-amz-firehose-request-id';
const LABEL = 'POST /ingest/eks/{cluster}/firehose';

export function eksFirehoseIntakeRoutes(deps: IntakeDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { config, normalise } = deps;
  const route = config.eksFirehose;
  if (!route.enabled) return app;
  const matchKey = grantMatcher(routeGrants('eksFirehose', deps));
  const limit = limitBody(route.maxBodyBytes, 'intake.eksFirehose.maxBodyBytes');

  const readBody = async (c: Context<AppEnv>): Promise<string> => {
    let bytes = Buffer.alloc(0);
    await limit(c, async () => {
      bytes = Buffer.from(await c.req.arrayBuffer());
    });
    if ((c.req.header('content-encoding') ?? '').toLowerCase() !== 'gzip') return bytes.toString('utf8');
    try {
      return gunzipCapped(bytes, { maxBytes: route.maxBodyBytes }, 'the gzip-encoded body').toString('utf8');
    } catch (error) {
      if (error instanceof InflateLimitError) throw new PayloadTooLargeError(error.message);
      throw error;
    }
  };

  app.post('/ingest/eks/:cluster/firehose', async (c) => {
    const requestId = c.req.header(REQUEST_ID_HEADER) ?? '';
    const log = c.get('log');
    try {
      const key = c.req.header(ACCESS_KEY_HEADER);
      if (!key) throw new UnauthorizedError(`${LABEL} needs the Firehose access key (X-Amz-Firehose-Access-Key)`);
      const grant = matchKey(key);
      if (!grant) throw new UnauthorizedError(`the Firehose access key is not accepted by ${LABEL}`);
      c.set('scopes', grant.scopes);
      const cluster = nameParam(c, 'cluster', route.clusters, 'intake.eksFirehose.clusters');
      requireScope(c, 'kubernetes', cluster);
      const receivedAt = deps.now();
      let delivery: ReturnType<typeof decodeDelivery>;
      try {
        delivery = decodeDelivery(parseJson(await readBody(c), 'a Firehose delivery request'));
      } catch (error) {
        if (error instanceof GitrailError) throw error;
        throw new InvalidInputError(`not a Firehose delivery request: ${(error as Error).message}`);
      }
      const draft = emptyDraft(delivery.events.length + delivery.problems.length);
      const options = kubernetesOptions(cluster, normalise);
      delivery.events.forEach(({ event }, index) =>
        addResult(draft, index, event, (input) => normaliseEksEvent(input, options), deps, log),
      );
      delivery.problems.forEach((reason, n) => draft.rejected.push({ index: delivery.events.length + n, reason }));
      const summary = await recordDraft(
        c,
        deps,
        `eks-firehose/${cluster}`,
        draft,
        receivedAt,
        metricLabel('eks-firehose', cluster, route.clusters),
      );
      if (summary.rejected > 0)
        log.warn({ requestId: delivery.requestId, problems: summary.problems }, 'Firehose records refused');
      return send(c, reply(delivery.requestId, deps.now()));
    } catch (error) {
      if (!(error instanceof GitrailError)) throw error;
      const status = STATUS_BY_CODE[error.code] ?? 500;
      if (status === 503) c.header('Retry-After', '5');
      return send(c, reply(requestId, deps.now(), status, error.message));
    }
  });
  return app;
}

function send(c: Context<AppEnv>, answer: FirehoseReply): Response {
  return c.json(answer.body, answer.status as 200);
}

/** CloudWatch Logs messages (EKS audit events) as Firehose delivers them: one gzipped DATA_MESSAGE record. */
function firehoseDelivery(messages: readonly unknown[]) {
  const logs = {
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: '/aws/eks/cluster/cluster',
    logStream: 'kube-apiserver-audit-0',
    subscriptionFilters: ['gitrail'],
    logEvents: messages.map((message, i) => ({ id: String(i), timestamp: 0, message })),
  };
  const data = gzipSync(JSON.stringify(logs)).toString('base64');
  return { requestId: 'contract-0', timestamp: 0, records: [{ data }] };
}

export const eksFirehoseIntake: IntakeRouteModule = {
  routes: eksFirehoseIntakeRoutes,
  accepts: [
    {
      path: '/ingest/eks/:cluster/firehose',
      formats: ['eks-audit'],
      credential: 'firehose-access-key',
      wrap: (_format, records) => [
        { ...json(firehoseDelivery(records)), headers: { [REQUEST_ID_HEADER]: 'contract-0' } },
      ],
    },
  ],
};
