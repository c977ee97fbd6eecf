// The contract every registered kind keeps, run the same way on each (issue 13 §1): every input
// format of the registry (ingest/formats.ts) has a sample record in its folder
// (`__fixtures__/contract.<format>.<ext>`), `gitrail ingest` classifies the sample as that format, its
// normaliser's output matches the golden file (`__golden__/contract/<format>.json`, UPDATE_GOLDEN=1
// regenerates them), and every path the sample produces belongs to a path family whose grammar builds
// it again from its parts and round-trips its resource key. Every live source kind (live-kinds.ts) has
// its gitrail.yaml section and builds nothing from an empty one. The intake routes' round-trip of the
// same samples is src/server/routes/intake-contract.test.ts (sources may not import the server).
import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { NormaliseResult } from '../domain/change.ts';
import type { NormaliseContext } from '../formats/input-format.ts';
import { FORMATS_BY_NAME, INPUT_FORMATS } from '../ingest/formats.ts';
import { normaliseInput } from '../ingest/normalise-input.ts';
import { readRecords } from '../ingest/records.ts';
import { keyOfPath, pathOfKey } from '../investigate/resource-key.ts';
import { buildPath, parsePath } from '../normalise/path-grammars/index.ts';
import { createRedactor } from '../normalise/redact.ts';
import { LiveSourcesConfig } from './live-config.ts';
import { LIVE_SOURCE_KINDS } from './live-kinds.ts';
import { buildLiveSources } from './registry.ts';
import { contractSamples } from '../../test/helpers/contract-samples.ts';

const GOLDEN = join(import.meta.dirname, '__golden__', 'contract');
const samples = contractSamples;

const context: NormaliseContext = {
  cluster: 'prod',
  genericSource: 'contract',
  redact: createRedactor(Buffer.alloc(32, 3)),
  sensitiveKeys: new Set(),
  now: () => Date.UTC(2026, 0, 1),
};

/** The normaliser's result as the golden file holds it: JSON, object keys in a stable order. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value instanceof Map) return stable(Object.fromEntries(value));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, stable((value as Record<string, unknown>)[key])]),
    );
  return value;
}

/** The resource paths a result names: its changes on main and the resources its attribution facts are about. */
function paths(result: NormaliseResult): string[] {
  if (result.kind !== 'changes') return [];
  const facts = (result.facts ?? []).map((fact) => fact.path);
  return [...result.changes.filter((change) => change.branch === 'main').map((change) => change.path), ...facts];
}

test('every registered input format has a contract sample, and every sample names a registered format', () => {
  const found = samples();
  const missing = [...FORMATS_BY_NAME.keys()].filter((format) => !found.has(format));
  assert.deepEqual(missing, [], `formats without __fixtures__/contract.<format>.json in their folder: ${missing}`);
  const unknown = [...found.keys()].filter((format) => !FORMATS_BY_NAME.has(format as never));
  assert.deepEqual(unknown, [], 'contract samples of formats the registry does not know');
});

for (const format of new Set(INPUT_FORMATS.map((entry) => entry.name))) {
  test(`input format ${format}: classified, normalised as the golden file says, paths round-trip`, async () => {
    const files = samples().get(format) ?? [];
    assert.ok(files.length > 0, `no contract sample for ${format}`);
    const results: unknown[] = [];
    for (const file of files) {
      const records = [];
      for await (const record of readRecords(createReadStream(file))) records.push(record);
      assert.ok(records.length > 0, `${file}: no records`);
      for (const record of records) {
        assert.ok('format' in record, `${file}:${record.line}: ${'error' in record ? record.error : ''}`);
        assert.equal(record.format, format, `${file}:${record.line}: classified as ${record.format}`);
        const result = normaliseInput(record.format, record.value, context);
        assert.notEqual(result.kind, 'rejected', `${file}: ${'reason' in result ? result.reason : ''}`);
        for (const path of paths(result)) {
          const parsed = parsePath(path);
          assert.notEqual(parsed.family, 'other', `${path} belongs to no path family`);
          if (parsed.family === 'other') continue;
          assert.equal(buildPath(parsed), path, `${path}: the ${parsed.family} grammar builds it again`);
          assert.equal(pathOfKey(keyOfPath(path)), path, `${path}: its key ${keyOfPath(path)} names it`);
        }
        results.push(stable(result));
      }
    }
    const golden = join(GOLDEN, `${format}.json`);
    const actual = `${JSON.stringify(results, null, 2)}\n`;
    if (process.env['UPDATE_GOLDEN'] === '1') {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(golden, actual);
    }
    assert.ok(existsSync(golden), `${golden} is missing: run UPDATE_GOLDEN=1 node --test ${import.meta.filename}`);
    assert.equal(actual, readFileSync(golden, 'utf8'), `${format}: normaliser output differs from ${golden}`);
  });
}

test(
  'every live source kind has its folder, its gitrail.yaml section, and builds nothing ' + 'when unconfigured',
  async () => {
    const empty = LiveSourcesConfig.parse({});
    for (const kind of LIVE_SOURCE_KINDS) {
      assert.ok(existsSync(join(import.meta.dirname, kind.folder, 'live.ts')), `${kind.folder}/live.ts`);
      assert.deepEqual((empty as Record<string, unknown>)[kind.key], [], `${kind.key} defaults to an empty list`);
      assert.ok(kind.description.length > 0, `${kind.key} is described for the JSON schema`);
    }
    assert.deepEqual(await buildLiveSources(empty, { redact: context.redact }), []);
  },
);
