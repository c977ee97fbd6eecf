import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { Config } from '../config/schema.ts';
import { normaliseSettings } from '../config/normalise-settings.ts';
import { edgeLimits } from '../edge/limits.ts';
import { Journal } from '../journal/journal.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { createRedactor } from '../normalise/redact.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { auditEvent, eventList, secretAuditEvent } from '../../test/helpers/intake-fixtures.ts';
import { createApp } from './app.ts';
import { startIntakeOffload } from './intake-offload.ts';

const TOKEN = 'offload-token-0123456789';
const NOW = Date.parse('2026-03-02T12:00:00Z');
const KEY = Buffer.alloc(32, 7);
const log = pino({ level: 'silent' });

/** The app on its own journal: audit bodies prepared in worker threads, or on the event loop. */
function setup(t: TestContext, workers: boolean) {
  const dir = tempDir(t);
  const config = Config.parse({ data: dir });
  const journal = Journal.open({ dir: join(dir, 'journal'), segmentBytes: 1024 * 1024, maxBytes: 1 << 30 });
  t.after(() => journal.close());
  const limits = edgeLimits();
  const offload = workers ? startIntakeOffload({ redactionKey: KEY, config, limits }, { workers: 2, log }) : null;
  if (offload) t.after(() => offload.close());
  const metrics = createMetrics({ defaultMetrics: false, now: () => NOW });
  const app = createApp({
    log,
    intake: {
      config: config.intake,
      tokens: { kubernetesAudit: [TOKEN] },
      normalise: normaliseSettings(config, createRedactor(KEY)),
      record: (batch) => journal.append(batch),
      metrics,
      now: () => NOW,
      limits,
      ...(offload
        ? {
            offload: {
              prepareAudit: (job) => offload.prepareAudit(job),
              record: (receivedAt: number, payload: Uint8Array) => journal.appendJson(receivedAt, payload),
            },
          }
        : {}),
    },
    health: { readiness: () => ({ ready: true, reasons: [] }) as never, metrics },
  });
  const post = (body: unknown) =>
    app.request('/ingest/kubernetes/prod/audit', {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    });
  const journalBytes = () =>
    Buffer.concat(
      readdirSync(join(dir, 'journal'))
        .filter((name) => name.endsWith('.log'))
        .map((name) => readFileSync(join(dir, 'journal', name))),
    );
  const journaled = () => journal.readNext(10_000, 1 << 30).map((entry) => entry.batch);
  return { post, journalBytes, journaled };
}

test('an EventList prepared in a worker is answered and journaled exactly as on the event loop', async (t) => {
  const inWorker = setup(t, true);
  const inLoop = setup(t, false);
  const deep = auditEvent(3);
  let nested: Record<string, unknown> = { leaf: true };
  for (let level = 0; level < 150; level += 1) nested = { a: nested };
  (deep['responseObject'] as Record<string, unknown>)['data'] = nested;
  const body = eventList([auditEvent(1), auditEvent(2, { stage: 'RequestReceived' }), deep, 'not an event']);
  const answers = [];
  for (const side of [inWorker, inLoop]) {
    const response = await side.post(body);
    assert.equal(response.status, 202);
    answers.push(await response.json());
  }
  assert.deepEqual(answers[0], answers[1]);
  assert.deepEqual(
    (answers[0] as { problems: Array<{ index: number }> }).problems.map((problem) => problem.index),
    [2, 3],
  );
  assert.deepEqual(inWorker.journaled(), inLoop.journaled());
  assert.equal(inWorker.journaled().length, 0, 'read once');
});

test('a secret is hashed in the worker: its value never reaches the journal', async (t) => {
  const { post, journalBytes } = setup(t, true);
  const plaintext = 'hunter2-very-secret-password';
  assert.equal((await post(eventList([secretAuditEvent(1, plaintext)]))).status, 202);
  const bytes = journalBytes().toString('latin1');
  assert.ok(bytes.includes('hmac-sha256:'));
  assert.ok(!bytes.includes(plaintext));
  assert.ok(!bytes.includes(Buffer.from(plaintext).toString('base64')));
});

test('a body that is not an EventList is a 400 naming why, and nothing is journaled', async (t) => {
  const { post, journaled } = setup(t, true);
  const broken = await post('{"kind": "EventList", "items": [');
  assert.equal(broken.status, 400);
  assert.match(((await broken.json()) as { detail: string }).detail, /not valid JSON/);
  const wrongKind = await post({ kind: 'Pod', items: [] });
  assert.equal(wrongKind.status, 400);
  assert.match(((await wrongKind.json()) as { detail: string }).detail, /kind "Pod" is not EventList/);
  assert.deepEqual(journaled(), []);
});

test('stopped workers fail a job instead of leaving it waiting', async () => {
  const offload = startIntakeOffload(
    { redactionKey: KEY, config: Config.parse({ data: '/nonexistent' }), limits: edgeLimits() },
    { workers: 1, log },
  );
  await offload.close();
  const outcome = await offload.prepareAudit({
    cluster: 'prod',
    source: 'kubernetes-audit/prod',
    body: new TextEncoder().encode(JSON.stringify(eventList([auditEvent(1)]))),
    receivedAt: NOW,
  });
  assert.equal(outcome.kind, 'failed');
});
