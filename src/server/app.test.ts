import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { Config } from '../config/schema.ts';
import { Journal } from '../journal/journal.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { createRedactor, sensitiveKeySet } from '../normalise/redact.ts';
import { noiseRulesFrom } from '../config/normalise-settings.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import {
  admissionReview,
  auditEvent,
  cloudTrailRecord,
  eventList,
  genericEvent,
  secretAuditEvent,
} from '../../test/helpers/intake-fixtures.ts';
import { createApp } from './app.ts';
import { assessReadiness } from './routes/health.ts';

const SHARED = 'shared-token-0123456789';
const AUDIT_ONLY = 'audit-token-0123456789';
const NOW = Date.parse('2026-03-02T12:00:00Z');

function setup(t: TestContext, options: { intake?: unknown; maxBytes?: number } = {}) {
  const dir = tempDir(t);
  const config = Config.parse({ data: dir, intake: options.intake ?? {} });
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const journal = Journal.open({ dir: join(dir, 'journal'), segmentBytes: 1024 * 1024, maxBytes });
  t.after(() => journal.close());
  const metrics = createMetrics({ defaultMetrics: false, now: () => NOW });
  metrics.observeJournal(() => journal.depth());
  const app = createApp({
    log: pino({ level: 'silent' }),
    intake: {
      config: config.intake,
      tokens: {
        kubernetesAudit: [AUDIT_ONLY, SHARED],
        kubernetesAdmission: [SHARED],
        cloudtrail: [SHARED],
        events: [SHARED],
      },
      normalise: {
        redact: createRedactor(Buffer.alloc(32, 7)),
        sensitiveKeys: sensitiveKeySet(config.redaction.sensitiveKeys),
        noiseRules: noiseRulesFrom(config),
      },
      record: (batch) => journal.append(batch),
      metrics,
      now: () => NOW,
    },
    health: {
      readiness: () =>
        assessReadiness({
          stopping: null,
          drainerFailed: false,
          journal: { ...journal.depth(), committedSeq: journal.checkpointed },
          maxJournalBytes: maxBytes,
          now: NOW,
          sources: [],
        }),
      metrics,
    },
  });
  const post = (path: string, body: unknown, token: string | null = SHARED, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
    });
  const journaled = () => journal.readNext(10_000, 1 << 30).map((entry) => entry.batch);
  const journalBytes = () =>
    readdirSync(join(dir, 'journal'))
      .filter((name) => name.endsWith('.log'))
      .map((name) => readFileSync(join(dir, 'journal', name)))
      .reduce((all, bytes) => Buffer.concat([all, bytes]), Buffer.alloc(0));
  return { app, post, journaled, journalBytes, metrics };
}

test('an audit EventList with kind-less items is journaled as one batch and answered 202', async (t) => {
  const { post, journaled } = setup(t);
  const response = await post(
    '/ingest/kubernetes/prod/audit',
    eventList([auditEvent(1), auditEvent(2), auditEvent(3, { stage: 'RequestReceived' })]),
  );
  assert.equal(response.status, 202);
  assert.deepEqual(await response.json(), {
    received: 3,
    recorded: 2,
    changes: 2,
    facts: 2,
    ignored: 1,
    rejected: 0,
    problems: [],
  });
  const [batch, ...rest] = journaled();
  assert.equal(rest.length, 0);
  assert.equal(batch?.source, 'kubernetes-audit/prod');
  assert.equal(batch?.receivedAt, NOW);
  assert.deepEqual(
    batch?.changes.map((change) => change.path),
    [
      'kubernetes/prod/namespaces/ns-1/core/configmaps/cm-1.yaml',
      'kubernetes/prod/namespaces/ns-2/core/configmaps/cm-2.yaml',
    ],
  );
});

test(
  'a well-formed EventList always gets a 2xx, even when nothing in it is recorded or an item is ' + 'malformed',
  async (t) => {
    const { post, journaled } = setup(t);
    const ignored = await post(
      '/ingest/kubernetes/prod/audit',
      eventList([auditEvent(1, { stage: 'RequestReceived' })]),
    );
    assert.equal(ignored.status, 202);
    const empty = await post('/ingest/kubernetes/prod/audit', {
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      metadata: {},
      items: null,
    });
    assert.equal(empty.status, 202);
    const bad = await post('/ingest/kubernetes/prod/audit', eventList([42, { auditID: 'x' }]));
    assert.equal(bad.status, 202);
    const body = (await bad.json()) as { rejected: number; problems: Array<{ index: number; reason: string }> };
    assert.equal(body.rejected, 2);
    assert.deepEqual(
      body.problems.map((problem) => problem.index),
      [0, 1],
    );
    assert.match(body.problems[1]?.reason ?? '', /verb/);
    assert.deepEqual(journaled(), []);
  },
);

test("bodies that are not the route's document get a 400 naming the problem and record nothing", async (t) => {
  const { post, journaled } = setup(t);
  const cases: Array<[string, unknown, RegExp]> = [
    ['/ingest/kubernetes/prod/audit', '{"kind":"EventList","items":[', /not valid JSON/],
    ['/ingest/kubernetes/prod/audit', { kind: 'PodList', items: [] }, /kind "PodList" is not EventList/],
    ['/ingest/kubernetes/prod/audit', { kind: 'EventList', items: {} }, /items is not a list/],
    ['/ingest/kubernetes/prod/audit', '', /body is empty/],
    [
      '/ingest/kubernetes/prod/admission',
      { kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request: {} },
      /request.uid/,
    ],
    ['/ingest/cloudtrail', { hello: 'world' }, /not a CloudTrail record/],
    ['/ingest/cloudtrail', { Records: 'nope' }, /Records is not an array/],
    ['/ingest/events/flags', '{"id":1}\n{"id":', /line 2 is not valid JSON/],
    ['/ingest/events/flags', '17', /JSON scalar/],
    ['/ingest/events/no%20spaces', [genericEvent(1)], /source "no spaces"/],
    ['/ingest/kubernetes/..%2F..%2Fetc/audit', eventList([auditEvent(1)]), /cluster/],
  ];
  for (const [path, body, detail] of cases) {
    const response = await post(path, body);
    assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
    const json = (await response.json()) as { error: string; detail: string };
    assert.equal(json.error, 'INVALID_INPUT');
    assert.match(json.detail, detail);
  }
  assert.deepEqual(journaled(), []);
});

test('tokens: none or a wrong one is 401; each route accepts its own tokens and the shared one', async (t) => {
  const { post, journaled } = setup(t);
  const missing = await post('/ingest/events/flags', [genericEvent(1)], null);
  assert.equal(missing.status, 401);
  assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.deepEqual(await missing.json(), {
    error: 'UNAUTHORIZED',
    detail: 'POST /ingest/events/{source} needs a bearer token (Authorization: Bearer <token>)',
  });
  assert.equal((await post('/ingest/events/flags', [genericEvent(1)], 'wrong-token-0123456789')).status, 401);
  assert.equal(
    (await post('/ingest/events/flags', [genericEvent(1)], null, { authorization: `Basic ${SHARED}` })).status,
    401,
  );
  assert.equal(
    (await post('/ingest/events/flags', [genericEvent(1)], AUDIT_ONLY)).status,
    401,
    'the audit route token is not valid elsewhere',
  );
  assert.equal((await post('/ingest/kubernetes/prod/audit', eventList([auditEvent(1)]), AUDIT_ONLY)).status, 202);
  assert.equal((await post('/ingest/kubernetes/prod/audit', eventList([auditEvent(2)]), SHARED)).status, 202);
  assert.equal(journaled().length, 2);
});

test('bodies over the route limit get 413, declared or streamed', async (t) => {
  const { app, post, journaled } = setup(t, { intake: { events: { maxBodyBytes: 4096 } } });
  const big = JSON.stringify(Array.from({ length: 100 }, (_, index) => genericEvent(index)));
  const declared = await post('/ingest/events/flags', big);
  assert.equal(declared.status, 413);
  assert.equal(((await declared.json()) as { error: string }).error, 'PAYLOAD_TOO_LARGE');
  const stream = new ReadableStream({
    start(controller) {
      for (let at = 0; at < big.length; at += 1000)
        controller.enqueue(new TextEncoder().encode(big.slice(at, at + 1000)));
      controller.close();
    },
  });
  const streamed = await app.request('/ingest/events/flags', {
    method: 'POST',
    body: stream,
    duplex: 'half',
    headers: { authorization: `Bearer ${SHARED}`, 'transfer-encoding': 'chunked' },
  } as RequestInit);
  assert.equal(streamed.status, 413);
  assert.equal((await post('/ingest/events/flags', [genericEvent(1)])).status, 202, 'a small body still passes');
  assert.equal(journaled().length, 1);
});

test('the audit route accepts a 16 MiB EventList', async (t) => {
  const { post, journaled } = setup(t);
  const padding = 'x'.repeat(40 * 1024);
  const items = Array.from({ length: 420 }, (_, index) => ({ ...auditEvent(index, { value: padding }) }));
  const body = JSON.stringify(eventList(items));
  assert.ok(body.length > 16 * 1024 * 1024);
  const response = await post('/ingest/kubernetes/prod/audit', body);
  assert.equal(response.status, 202);
  assert.equal(journaled()[0]?.changes.length, 420);
});

test('an admission review is always allowed with its uid and recorded as an attribution fact only', async (t) => {
  const { post, journaled } = setup(t);
  const response = await post('/ingest/kubernetes/prod/admission', admissionReview('rev-1'));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: 'rev-1', allowed: true },
  });
  const dry = await post('/ingest/kubernetes/prod/admission', admissionReview('rev-2', { dryRun: true }));
  assert.equal(((await dry.json()) as { response: { allowed: boolean } }).response.allowed, true);
  const [batch, ...rest] = journaled();
  assert.equal(rest.length, 0, 'a dry run records nothing');
  assert.equal(batch?.source, 'kubernetes-admission/prod');
  assert.deepEqual(batch?.changes, []);
  assert.equal(batch?.facts[0]?.path, 'kubernetes/prod/namespaces/shop/apps/deployments/web.yaml');
  assert.equal(batch?.facts[0]?.actor.name, 'bob@example.com');
});

test(
  'CloudTrail: a delivery document, a single record and an EventBridge event; malformed records are ' + 'listed back',
  async (t) => {
    const { post, journaled } = setup(t);
    const document = await post('/ingest/cloudtrail', { Records: [cloudTrailRecord(2), 'junk', cloudTrailRecord(1)] });
    assert.equal(document.status, 202);
    const summary = (await document.json()) as {
      recorded: number;
      rejected: number;
      problems: Array<{ index: number; reason: string }>;
    };
    assert.equal(summary.recorded, 2);
    assert.deepEqual(
      summary.problems.map((problem) => problem.index),
      [1],
    );
    assert.match(summary.problems[0]?.reason ?? '', /Records\[1\] is not a JSON object/);
    assert.equal((await post('/ingest/cloudtrail', cloudTrailRecord(3))).status, 202);
    assert.equal(
      (
        await post('/ingest/cloudtrail', {
          version: '0',
          'detail-type': 'AWS API Call via CloudTrail',
          source: 'aws.iam',
          detail: cloudTrailRecord(4),
        })
      ).status,
      202,
    );
    const allBad = await post('/ingest/cloudtrail', { Records: [1, 2] });
    assert.equal(allBad.status, 422);
    const batches = journaled();
    assert.deepEqual(
      batches.map((batch) => batch.changes.map((change) => change.path.split('/').at(-1))),
      [['role-1.yaml', 'role-2.yaml'], ['role-3.yaml'], ['role-4.yaml']],
      'replayed by event time',
    );
  },
);

test('generic events as a JSON array or NDJSON land under custom/{source}/', async (t) => {
  const { post, journaled } = setup(t);
  assert.equal((await post('/ingest/events/flags', [genericEvent(1), genericEvent(2)])).status, 202);
  const ndjson = `${JSON.stringify(genericEvent(3))}\n\n${JSON.stringify(genericEvent(4))}\n`;
  assert.equal(
    (await post('/ingest/events/flags', ndjson, SHARED, { 'content-type': 'application/x-ndjson' })).status,
    202,
  );
  const mixed = await post('/ingest/events/flags', [genericEvent(5), { id: 'no-time', path: 'x', object: {} }]);
  assert.equal(mixed.status, 202);
  assert.match(
    ((await mixed.json()) as { problems: Array<{ reason: string }> }).problems[0]?.reason ?? '',
    /no valid time/,
  );
  assert.deepEqual(
    journaled().flatMap((batch) => batch.changes.map((change) => change.path)),
    [1, 2, 3, 4, 5].map((n) => `custom/flags/feature-flags/flag-${n}.yaml`),
  );
});

test('source and cluster allow-lists answer 403 for names not listed', async (t) => {
  const { post, journaled } = setup(t, {
    intake: { events: { sources: ['flags'] }, kubernetesAudit: { clusters: ['prod'] } },
  });
  assert.equal((await post('/ingest/events/other', [genericEvent(1)])).status, 403);
  assert.equal((await post('/ingest/kubernetes/dev/audit', eventList([auditEvent(1)]))).status, 403);
  assert.equal((await post('/ingest/events/flags', [genericEvent(1)])).status, 202);
  assert.equal(journaled().length, 1);
});

test('a disabled route is 404; unknown paths get a JSON 404', async (t) => {
  const { post } = setup(t, { intake: { cloudtrail: { enabled: false } } });
  const response = await post('/ingest/cloudtrail', { Records: [cloudTrailRecord(1)] });
  assert.equal(response.status, 404);
  assert.deepEqual(await response.json(), { error: 'NOT_FOUND', detail: 'no route for POST /ingest/cloudtrail' });
});

test('secret values are hashed before anything reaches the journal', async (t) => {
  const { post, journalBytes } = setup(t);
  const plaintext = 'hunter2-very-secret-password';
  assert.equal((await post('/ingest/kubernetes/prod/audit', eventList([secretAuditEvent(1, plaintext)]))).status, 202);
  const generic = { ...genericEvent(2), object: { password: plaintext, user: 'db' } };
  assert.equal((await post('/ingest/events/db', [generic])).status, 202);
  const bytes = journalBytes().toString('latin1');
  assert.ok(bytes.includes('hmac-sha256:'));
  assert.ok(!bytes.includes(plaintext));
  assert.ok(!bytes.includes(Buffer.from(plaintext).toString('base64')));
});

test(
  'a full journal answers 503 with Retry-After, /readyz says why, and the admission route still ' + 'allows',
  async (t) => {
    const { app, post } = setup(t, { maxBytes: 1024 * 1024 });
    const padding = 'x'.repeat(300 * 1024);
    let status = 202;
    for (let index = 0; index < 10 && status === 202; index += 1)
      status = (await post('/ingest/kubernetes/prod/audit', eventList([auditEvent(index, { value: padding })]))).status;
    assert.equal(status, 503);
    const full = await post('/ingest/events/flags', [genericEvent(1)]);
    assert.equal(full.status, 503);
    assert.equal(full.headers.get('retry-after'), '5');
    assert.equal(((await full.json()) as { error: string }).error, 'JOURNAL_FULL');
    const ready = await app.request('/readyz');
    assert.equal(ready.status, 503);
    assert.deepEqual(((await ready.json()) as { reasons: string[] }).reasons, [
      'the journal backlog is over journal.maxBytes',
    ]);
    const admission = await post('/ingest/kubernetes/prod/admission', admissionReview('rev-9'));
    assert.equal(admission.status, 200);
  },
);

test('/healthz, /readyz and /metrics', async (t) => {
  const { app, post } = setup(t);
  await post('/ingest/kubernetes/prod/audit', eventList([auditEvent(1), 7]));
  await post('/ingest/events/flags', 'nope');
  assert.deepEqual(await (await app.request('/healthz')).json(), { status: 'ok' });
  const ready = await app.request('/readyz');
  assert.equal(ready.status, 200);
  assert.equal(((await ready.json()) as { journal: { entries: number } }).journal.entries, 1);
  const metrics = await (await app.request('/metrics')).text();
  // No cluster is configured: the name from the URL never becomes a label (issue 10, bounded series).
  assert.match(metrics, /gitrail_events_received_total\{source="kubernetes-audit\/\*"\} 2/);
  assert.match(metrics, /gitrail_events_rejected_total\{source="kubernetes-audit\/\*"\} 1/);
  assert.doesNotMatch(metrics, /kubernetes-audit\/prod/);
  assert.match(metrics, /gitrail_intake_requests_total\{route="kubernetes-audit",status="202"\} 1/);
  assert.match(metrics, /gitrail_intake_requests_total\{route="events",status="400"\} 1/);
  assert.match(metrics, /gitrail_journal_depth_entries 1/);
  assert.match(metrics, /gitrail_commit_latency_seconds_bucket/);
});

test('metric labels name configured clusters only (issue 10)', async (t) => {
  const { app, post } = setup(t, { intake: { kubernetesAudit: { clusters: ['prod'] } } });
  await post('/ingest/kubernetes/prod/audit', eventList([auditEvent(1)]));
  const metrics = await (await app.request('/metrics')).text();
  assert.match(metrics, /gitrail_events_received_total\{source="kubernetes-audit\/prod"\} 1/);
});

test('intake request labels come from the route patterns: every route, never the URL', async (t) => {
  const { app, post } = setup(t, { intake: { eksFirehose: { enabled: true } } });
  await post('/ingest/kubernetes/a-1/admission', '{}');
  await post('/ingest/cloudtrail', '{}');
  await post('/ingest/eks/any-name/firehose', '{}');
  await post('/ingest/not-a-route/x', '{}');
  const metrics = await (await app.request('/metrics')).text();
  const labels = [...metrics.matchAll(/gitrail_intake_requests_total\{route="([^"]+)"/g)].map((m) => m[1]).sort();
  assert.deepEqual(labels, ['cloudtrail', 'eks-firehose', 'kubernetes-admission', 'other']);
});
