// Fuzzing, issue 10: every intake route of the real app (journal, drainer, ledger, quarantine)
// takes bodies shaped like its senders' with nasty values, cut short, wrapped wrongly, nested
// thousands of levels or replaced by random bytes. No answer is a 5xx; every answer is JSON
// naming what it refused; afterwards the repository is fsck-clean, holds no planted secret and
// nothing was quarantined but files grown past the size limit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { pino } from 'pino';
import { Config } from '../../src/config/schema.ts';
import { Drainer } from '../../src/journal/drainer.ts';
import { Journal } from '../../src/journal/journal.ts';
import { Quarantine } from '../../src/journal/quarantine.ts';
import { Ledger } from '../../src/ledger/ledger.ts';
import { noiseRulesFrom } from '../../src/config/normalise-settings.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { createRedactor, sensitiveKeySet } from '../../src/normalise/redact.ts';
import { createApp } from '../../src/server/app.ts';
import { assessReadiness } from '../../src/server/routes/health.ts';
import { fsckStrict } from '../helpers/git.ts';
import { assertNoSecrets } from '../helpers/secrets.ts';
import { FUZZ_NOW } from './arbitraries.ts';
import { FUZZ_INPUTS, type FuzzCase, type FuzzKind } from './inputs.ts';
import { FUZZ_REDACTION_KEY } from './normalise-case.ts';
import { count, fuzz } from './settings.ts';

const TOKEN = 'fuzz-token-0123456789abcdef';
const DEEP = 'deeply-nested-record';

interface Route {
  readonly path: string;
  readonly kind: FuzzKind;
  /** The body a sender posts for some records of the kind. */
  readonly body: (inputs: readonly unknown[]) => unknown;
}

const ROUTES: readonly Route[] = [
  {
    path: '/ingest/kubernetes/fuzz/audit',
    kind: 'kubernetes-audit',
    body: (items) => ({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items }),
  },
  { path: '/ingest/kubernetes/fuzz/admission', kind: 'admission', body: (inputs) => inputs[0] },
  { path: '/ingest/cloudtrail', kind: 'cloudtrail', body: (inputs) => ({ Records: inputs.flat() }) },
  { path: '/ingest/cloudtrail', kind: 'eventbridge', body: (inputs) => inputs[0] },
  { path: '/ingest/events/fuzz', kind: 'generic', body: (inputs) => inputs },
];

/** A body as sent: text, or random bytes (base64, so a failing case can be saved as JSON). */
type Body = { readonly text: string } | { readonly base64: string };

function bodies(route: Route): fc.Arbitrary<{ body: Body; secrets: readonly string[] }> {
  const cases = fc.array(FUZZ_INPUTS[route.kind], { minLength: 1, maxLength: 4 });
  const text = (entries: readonly FuzzCase[], render: (value: unknown) => string) => ({
    body: { text: render(route.body(entries.map((entry) => entry.input))) },
    secrets: entries.flatMap((entry) => entry.secrets),
  });
  return fc.oneof(
    { arbitrary: cases.map((entries) => text(entries, JSON.stringify)), weight: 6 },
    {
      // NDJSON, as log shippers post generic events.
      arbitrary: cases.map((entries) => ({
        body: { text: entries.map((entry) => JSON.stringify(entry.input)).join('\n') },
        secrets: entries.flatMap((entry) => entry.secrets),
      })),
      weight: 1,
    },
    {
      arbitrary: fc.tuple(cases, fc.double({ min: 0, max: 1, noNaN: true })).map(([entries, at]) => {
        const full = JSON.stringify(route.body(entries.map((entry) => entry.input)));
        return { body: { text: full.slice(0, Math.floor(full.length * at)) }, secrets: [] };
      }),
      weight: 2,
    },
    {
      // Built as text: JSON.stringify itself overflows the stack on 100,000 levels.
      arbitrary: fc.constantFrom(2600, 100_000).map((levels) => ({
        body: {
          text: JSON.stringify(route.body([DEEP])).replace(
            JSON.stringify(DEEP),
            `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`,
          ),
        },
        secrets: [],
      })),
      weight: 1,
    },
    {
      arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({
        body: { base64: Buffer.from(bytes).toString('base64') },
        secrets: [],
      })),
      weight: 1,
    },
    {
      arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ body: { text: JSON.stringify(value) }, secrets: [] })),
      weight: 1,
    },
  );
}

async function openDaemonParts(dataDir: string) {
  const config = Config.parse({ data: dataDir });
  const log = pino({ level: 'silent' });
  const ledger = await Ledger.open({ dataDir, now: () => FUZZ_NOW, log });
  const journal = Journal.open({ dir: join(dataDir, 'journal'), segmentBytes: 1 << 20, maxBytes: 1 << 30 });
  const metrics = createMetrics({ defaultMetrics: false, now: () => FUZZ_NOW });
  const quarantine = new Quarantine(dataDir);
  const drainer = new Drainer({
    journal,
    ledger,
    metrics,
    log,
    maxChangesPerFlush: 200,
    flushIntervalMs: 0,
    quarantine,
  });
  const drained = drainer.run();
  const tokens = [TOKEN];
  const app = createApp({
    log,
    intake: {
      config: config.intake,
      tokens: { kubernetesAudit: tokens, kubernetesAdmission: tokens, cloudtrail: tokens, events: tokens },
      normalise: {
        redact: createRedactor(FUZZ_REDACTION_KEY),
        sensitiveKeys: sensitiveKeySet(config.redaction.sensitiveKeys),
        noiseRules: noiseRulesFrom(config),
      },
      record: (batch) => journal.append(batch),
      metrics,
      now: () => FUZZ_NOW,
    },
    health: {
      readiness: () =>
        assessReadiness({
          stopping: null,
          drainerFailed: Boolean(drainer.failure),
          journal: { ...journal.depth(), committedSeq: journal.checkpointed },
          maxJournalBytes: 1 << 30,
          now: FUZZ_NOW,
          sources: [],
        }),
      metrics,
    },
  });
  const close = async () => {
    await drainer.whenCommitted(journal.lastAssigned);
    await journal.close();
    drainer.stop();
    await drained;
    await ledger.close();
  };
  return { app, quarantine, drainer, close };
}

for (const route of ROUTES) {
  test(`fuzz POST ${route.path} (${route.kind}): never a 5xx, every refusal named, the repository clean`, async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gitrail-fuzz-route-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const parts = await openDaemonParts(dataDir);
    const planted: string[] = [];
    const outcomes = new Map<string, number>();
    try {
      await fuzz(
        `route-${route.kind}`,
        bodies(route),
        async ({ body, secrets }) => {
          planted.push(...secrets);
          const response = await parts.app.request(route.path, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: 'text' in body ? body.text : Buffer.from(body.base64, 'base64'),
          });
          count(outcomes, String(response.status));
          const text = await response.text();
          assert.ok(response.status < 500, `${response.status} ${text.slice(0, 300)}`);
          const json = JSON.parse(text) as Record<string, unknown>;
          if (response.status >= 400) assert.equal(typeof json['detail'], 'string', 'a refusal says why');
          if (response.status === 202)
            for (const problem of json['problems'] as Array<{ index: number; reason: string }>)
              assert.ok(Number.isInteger(problem.index) && problem.reason.length > 0, 'each problem names its record');
          if (route.kind === 'admission' && response.status === 200)
            assert.equal((json['response'] as { allowed: boolean }).allowed, true, 'admission always allows');
          assert.equal(parts.drainer.failure, null, 'the drainer goes on');
        },
        { runs: 40, outcomes },
      );
    } finally {
      await parts.close();
    }
    t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    fsckStrict(join(dataDir, 'repo.git'));
    if (planted.length > 0) assertNoSecrets(dataDir, planted);
    for (const entry of parts.quarantine.list())
      assert.match(entry.error.message, /would be \d+ bytes of YAML/, `quarantined: ${entry.error.message}`);
  });
}
