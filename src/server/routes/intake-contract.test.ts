// The intake routes' half of the contract (issue 13 §1; the formats' half is src/sources/contract.test.ts):
// every route a registered intake module serves declares what it accepts (intake-accepts.ts), and for each
// input format it declares, the format's contract sample wrapped as that route's request body and posted
// through the real app journals exactly the changes and facts `gitrail ingest`'s normaliser makes of the
// same records (paths, authors, times, subjects, trailers, contents): the route round-trip is the ingest path.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { Config } from '../../config/schema.ts';
import { noiseRulesFrom } from '../../config/normalise-settings.ts';
import type { ChangeBatch } from '../../domain/batch.ts';
import type { NormaliseContext } from '../../formats/input-format.ts';
import { FORMATS_BY_NAME, type RecordFormat } from '../../ingest/formats.ts';
import { normaliseInput } from '../../ingest/normalise-input.ts';
import { readRecords } from '../../ingest/records.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { createRedactor, sensitiveKeySet } from '../../normalise/redact.ts';
import { contractSamples } from '../../../test/helpers/contract-samples.ts';
import { jwksServer, pushToken } from '../../../test/helpers/google-oidc.ts';
import { createApp } from '../app.ts';
import type { IntakeCredential } from './intake-accepts.ts';
import { INTAKE_ROUTE_MODULES } from './intake-registry.ts';

const TOKEN = 'contract-token-0123456789';
const AUDIENCE = 'https://gitrail.example.com/ingest/gke/prod/pubsub';
/** After every sample's event time: the edge stage refuses events from the future. */
const NOW = Date.parse('2027-01-01T00:00:00Z');
/** What a route's path parameters are filled with: the names `gitrail ingest` is given. */
const PARAMS: Readonly<Record<string, string>> = { cluster: 'prod', source: 'contract' };

async function rig(t: TestContext) {
  const keys = await jwksServer(t);
  const everything = { enabled: true, clusters: ['prod'] };
  const config = Config.parse({
    intake: {
      kubernetesAudit: everything,
      kubernetesAdmission: everything,
      cloudtrail: { enabled: true },
      events: { enabled: true, sources: ['contract'] },
      eksFirehose: everything,
      gkePubSub: { ...everything, audience: AUDIENCE, jwksUrl: keys.url },
    },
  });
  const normalise = {
    redact: createRedactor(Buffer.alloc(32, 5)),
    sensitiveKeys: sensitiveKeySet(config.redaction.sensitiveKeys),
    noiseRules: noiseRulesFrom(config),
  };
  const journaled: ChangeBatch[] = [];
  const metrics = createMetrics({ defaultMetrics: false, now: () => NOW });
  const tokens = Object.fromEntries(
    ['kubernetesAudit', 'kubernetesAdmission', 'cloudtrail', 'events', 'eksFirehose'].map((route) => [route, [TOKEN]]),
  );
  const intake = {
    config: config.intake,
    tokens,
    normalise,
    record: async (batch: ChangeBatch) => journaled.push(batch),
    metrics,
    now: () => NOW,
  };
  const app = createApp({
    log: pino({ level: 'silent' }),
    intake,
    health: { readiness: () => ({ ready: true }) as never, metrics },
  });
  const context: NormaliseContext = { cluster: 'prod', genericSource: 'contract', ...normalise, now: () => NOW };
  return { app, intake, journaled, context };
}

const CREDENTIALS: Readonly<Record<IntakeCredential, () => Promise<Record<string, string>>>> = {
  bearer: async () => ({ authorization: `Bearer ${TOKEN}` }),
  'firehose-access-key': async () => ({ 'x-amz-firehose-access-key': TOKEN }),
  'google-oidc': async () => ({ authorization: `Bearer ${await pushToken(AUDIENCE)}` }),
};

/** The route's URL with its parameters filled. */
function url(pattern: string): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    assert.ok(PARAMS[name], `${pattern}: no contract value for the parameter :${name}`);
    return PARAMS[name] as string;
  });
}

async function sampleRecords(format: RecordFormat): Promise<unknown[]> {
  const files = contractSamples().get(format) ?? [];
  assert.ok(files.length > 0, `no contract sample __fixtures__/contract.${format}.<ext> for ${format}`);
  const values: unknown[] = [];
  for (const file of files) {
    for await (const record of readRecords(createReadStream(file))) {
      assert.ok('format' in record && record.format === format, `${file}:${record.line}: not read as ${format}`);
      values.push(record.value);
    }
  }
  return values;
}

/** Every record as JSON with object keys in a stable order. */
const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );

test('every route a registered intake module serves declares what it accepts, and nothing else', async (t) => {
  const { intake } = await rig(t);
  for (const module of INTAKE_ROUTE_MODULES) {
    const served = [...new Set(module.routes(intake).routes.map((route) => `${route.method} ${route.path}`))];
    const declared = module.accepts.map((accepts) => `POST ${accepts.path}`);
    assert.ok(served.length > 0, 'a registered intake module serves no route with every route enabled');
    assert.deepEqual(served.sort(), [...declared].sort(), 'the routes served are the routes declared');
    for (const accepts of module.accepts) {
      if ('noFormat' in accepts) assert.ok(accepts.noFormat.length > 0, `${accepts.path}: say why no format`);
      else for (const format of accepts.formats) assert.ok(FORMATS_BY_NAME.has(format), `${accepts.path}: ${format}`);
    }
  }
});

for (const accepts of INTAKE_ROUTE_MODULES.flatMap((module) => module.accepts)) {
  if (!('formats' in accepts)) continue;
  for (const format of accepts.formats) {
    test(`POST ${accepts.path} of the ${format} contract sample journals what \`gitrail ingest\` makes`, async (t) => {
      const { app, journaled, context } = await rig(t);
      const records = await sampleRecords(format);
      const expected = records.map((value) => normaliseInput(format, value, context));
      for (const result of expected) assert.notEqual(result.kind, 'rejected', JSON.stringify(result));
      for (const request of accepts.wrap(format, records)) {
        const response = await app.request(url(accepts.path), {
          method: 'POST',
          body: request.body,
          headers: {
            'content-type': 'application/json',
            ...(await CREDENTIALS[accepts.credential]()),
            ...request.headers,
          },
        });
        const answer = await response.text();
        assert.equal(response.status < 300, true, `${response.status} ${answer}`);
        assert.doesNotMatch(answer, /"rejected":[1-9]/, answer);
      }
      const changes = (all: readonly object[]) => all.flatMap((b) => ('changes' in b ? (b.changes as unknown[]) : []));
      const facts = (all: readonly object[]) =>
        all.flatMap((b) => ('facts' in b ? ((b.facts ?? []) as unknown[]) : []));
      assert.ok(changes(expected).length + facts(expected).length > 0, `the ${format} sample changes nothing`);
      assert.deepEqual(changes(journaled).map(stable), changes(expected).map(stable), 'the changes');
      assert.deepEqual(facts(journaled).map(stable), facts(expected).map(stable), 'the attribution facts');
    });
  }
}
