// Managed-cluster routes side by side with the audit webhook, the same N changes through each:
// the webhook (EventLists of 400, the reference), EKS Firehose (deliveries of 4 records x 100
// events, gzipped DATA_MESSAGEs) and GKE Pub/Sub push (one entry per request, as Pub/Sub sends,
// each with an OIDC token checked against a key set on 127.0.0.1). Each route runs on a fresh
// daemon in this process; the client posts with 8 concurrent requests. Figures: acknowledged and
// committed events/s (first post to last commit). `node bench/managed.ts [--events N]`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { pino } from 'pino';
import { Config } from '../src/config/schema.ts';
import { startDaemon } from '../src/main.ts';
import { eksEvent } from '../src/sources/eks-audit/__fixtures__/eks-event.ts';

const TOKEN = 'bench-managed-token-0123456789';
const AUDIENCE = 'https://gitrail.bench/ingest/gke/bench/pubsub';
const { values } = parseArgs({ options: { events: { type: 'string' } } });
const EVENTS = Number(values.events ?? 10_000);
const now = () => performance.now();

const auditId = (n: number) => `5f1b2c9e-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** Change n: ConfigMap cm-n in one of 100 namespaces (as the intake benchmark spreads its events). */
function eks(n: number): Record<string, unknown> {
  const event = eksEvent(auditId(n), `cm-${n}`);
  const namespace = `ns-${n % 100}`;
  const objectRef = event['objectRef'] as Record<string, unknown>;
  const response = event['responseObject'] as { metadata: Record<string, unknown> };
  return {
    ...event,
    requestURI: `/api/v1/namespaces/${namespace}/configmaps`,
    objectRef: { ...objectRef, namespace },
    responseObject: { ...response, metadata: { ...response.metadata, namespace } },
  };
}
const gkeFixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../src/sources/gke-audit/__fixtures__/deployment-create.entry.json'), 'utf8'),
);
function gkeEntry(n: number): Record<string, unknown> {
  const name = `web-${n}`;
  const namespace = `ns-${n % 100}`;
  const payload = gkeFixture.protoPayload;
  return {
    ...gkeFixture,
    insertId: auditId(n),
    operation: { ...gkeFixture.operation, id: auditId(n) },
    resource: { ...gkeFixture.resource, labels: { ...gkeFixture.resource.labels, cluster_name: 'bench' } },
    protoPayload: {
      ...payload,
      resourceName: String(payload.resourceName).replace('/shop/', `/${namespace}/`).replace(/web$/, name),
      response: { ...payload.response, metadata: { ...payload.response.metadata, name, namespace } },
      request: { ...payload.request, metadata: { ...payload.request.metadata, name, namespace } },
    },
  };
}

interface Route {
  readonly name: string;
  /** Bodies to post, each with the events it holds. */
  readonly requests: Array<{ body: string; headers: Record<string, string>; events: number }>;
  readonly path: string;
  readonly intake: Record<string, unknown>;
}

async function measure(route: Route): Promise<string> {
  const parent = process.env['BENCH_DIR'] ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dataDir = mkdtempSync(join(parent, 'gitrail-bench-managed-'));
  let committed = 0;
  let lastCommit = 0;
  let wake: (() => void) | null = null;
  const config = Config.parse({
    data: dataDir,
    listen: '127.0.0.1:0',
    shutdownTimeoutMs: 600_000,
    intake: route.intake,
  });
  const daemon = await startDaemon({
    config,
    env: { GITRAIL_INGEST_TOKEN: TOKEN },
    log: pino({ level: 'warn' }),
    onCommitted: (commits) => {
      committed += commits.length;
      lastCommit = now();
      wake?.();
    },
  });
  try {
    const started = now();
    let next = 0;
    const post = async () => {
      for (let i = next++; i < route.requests.length; i = next++) {
        const request = route.requests[i] as Route['requests'][number];
        const response = await fetch(`${daemon.url}${route.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...request.headers },
          body: request.body,
        });
        await response.arrayBuffer();
        if (response.status >= 300) throw new Error(`${route.name}: request ${i} answered ${response.status}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, post));
    const acked = now();
    while (committed < EVENTS) await new Promise<void>((resolve) => (wake = resolve));
    const perSecond = (ms: number) => Math.round(EVENTS / (ms / 1000));
    return (
      `${route.name.padEnd(34)} ${route.requests.length} requests, ` +
      `acknowledged ${perSecond(acked - started)} events/s, ` +
      `committed ${perSecond(lastCommit - started)} events/s`
    );
  } finally {
    await daemon.stop('benchmark done');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const chunks = <T>(items: T[], size: number) =>
  range(0, Math.ceil(items.length / size)).map((i) => items.slice(i * size, (i + 1) * size));
const events = range(0, EVENTS);
const bearer = { authorization: `Bearer ${TOKEN}` };

const webhook: Route = {
  name: 'audit webhook (reference)',
  path: '/ingest/kubernetes/bench/audit',
  intake: {},
  requests: chunks(events, 400).map((ns) => ({
    body: JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: ns.map(eks) }),
    headers: bearer,
    events: ns.length,
  })),
};

const record = (ns: number[]) => ({
  data: gzipSync(
    JSON.stringify({
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: '/aws/eks/bench/cluster',
      logStream: 'kube-apiserver-audit-0a1b2c3d',
      subscriptionFilters: ['gitrail'],
      logEvents: ns.map((n) => ({ id: String(n), timestamp: 1793613600000 + n, message: JSON.stringify(eks(n)) })),
    }),
  ).toString('base64'),
});
const firehose: Route = {
  name: 'EKS Firehose',
  path: '/ingest/eks/bench/firehose',
  intake: { eksFirehose: { enabled: true } },
  requests: chunks(events, 400).map((ns, i) => ({
    body: JSON.stringify({ requestId: `r-${i}`, timestamp: Date.now(), records: chunks(ns, 100).map(record) }),
    headers: { 'x-amz-firehose-access-key': TOKEN, 'x-amz-firehose-request-id': `r-${i}` },
    events: ns.length,
  })),
};

const keys = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
const jwks = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
const jwt = await new SignJWT({ email: 'push@bench.iam.gserviceaccount.com', email_verified: true })
  .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
  .setIssuer('https://accounts.google.com')
  .setAudience(AUDIENCE)
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(keys.privateKey);
const pubsub: Route = {
  name: 'GKE Pub/Sub push (1 entry/request)',
  path: '/ingest/gke/bench/pubsub',
  intake: {
    gkePubSub: {
      enabled: true,
      audience: AUDIENCE,
      jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs`,
    },
  },
  requests: events.map((n) => ({
    body: JSON.stringify({
      message: { data: Buffer.from(JSON.stringify(gkeEntry(n))).toString('base64'), messageId: String(n) },
      subscription: 'projects/bench/subscriptions/gitrail',
    }),
    headers: { authorization: `Bearer ${jwt}` },
    events: 1,
  })),
};

console.log(`managed routes: ${EVENTS} changes each, whole route (post to last commit), one daemon per route`);
for (const route of [webhook, firehose, pubsub]) console.log(await measure(route));
jwks.close();
