// Fuzzing, issue 10: the files `gitrail ingest` reads (NDJSON, JSON documents, YAML object
// dumps, gzip aside) built from every input kind, cut short or garbled. Reading never throws (a
// bad line is a `file:line: reason`, and the lines after it are still read) and every record it
// yields is prepared at the edge without throwing, keeping the invariants.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import * as yaml from 'js-yaml';
import { DEFAULT_EDGE_LIMITS } from '../../src/edge/limits.ts';
import { prepareInput } from '../../src/ingest/prepare.ts';
import { readRecords } from '../../src/ingest/records.ts';
import { createRedactor, DEFAULT_SENSITIVE_KEYS } from '../../src/normalise/redact.ts';
import { FUZZ_NOW } from './arbitraries.ts';
import { FUZZ_INPUTS, FUZZ_KINDS } from './inputs.ts';
import { assertEdgeResult, assertNoSecretIn } from './invariants.ts';
import { FUZZ_REDACTION_KEY } from './normalise-case.ts';
import { count, fuzz } from './settings.ts';

const context = {
  cluster: 'fuzz',
  genericSource: 'fuzz',
  redact: createRedactor(FUZZ_REDACTION_KEY),
  sensitiveKeys: new Set(DEFAULT_SENSITIVE_KEYS.map((key) => key.toLowerCase())),
  now: () => FUZZ_NOW,
  limits: DEFAULT_EDGE_LIMITS,
};

const PREFIX = /^(kubernetes\/fuzz|aws|custom\/fuzz)\//;

const anyCase = fc.oneof(...FUZZ_KINDS.filter((kind) => kind !== 'admission').map((kind) => FUZZ_INPUTS[kind]));

/** A value as YAML, or as JSON (also YAML) when js-yaml cannot write it (nested thousands deep). */
function yamlOrJson(value: unknown): string {
  try {
    return yaml.dump(value, { noRefs: true, lineWidth: -1 });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return `${JSON.stringify(value)}\n`;
  }
}

/** A file's text: its records as NDJSON, one JSON document or YAML documents, maybe cut or with a garbled line. */
const file = fc
  .tuple(
    fc.array(anyCase, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('ndjson', 'json', 'yaml'),
    fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 3 }),
    fc.option(fc.string({ unit: 'binary', maxLength: 30 }), { freq: 3 }),
  )
  .map(([cases, format, cut, garbage]) => {
    const values = cases.map((entry) => entry.input);
    let text =
      format === 'ndjson'
        ? values.map((value) => JSON.stringify(value)).join('\n')
        : format === 'json'
          ? JSON.stringify(values, null, 2)
          : values.map(yamlOrJson).join('---\n');
    if (garbage !== null) {
      const lines = text.split('\n');
      lines.splice(Math.floor(lines.length / 2), 0, garbage);
      text = lines.join('\n');
    }
    if (cut !== null) text = text.slice(0, Math.floor(text.length * cut));
    return { text, secrets: cases.flatMap((entry) => entry.secrets) };
  });

test('fuzz gitrail ingest files: read without throwing, each record prepared at the edge', async (t) => {
  const outcomes = new Map<string, number>();
  await fuzz(
    'ingest-files',
    file,
    async ({ text, secrets }) => {
      const records = [];
      try {
        for await (const record of readRecords(Readable.from([Buffer.from(text)]))) records.push(record);
      } catch (error) {
        assert.fail(`reading the file threw ${error instanceof Error ? error.stack : String(error)}`);
      }
      for (const record of records) {
        if ('error' in record) {
          count(outcomes, 'file:line problem');
          continue;
        }
        const prepared = prepareInput(record.format, record.value, context);
        count(outcomes, `${record.format} ${prepared.kind}`);
        if (prepared.kind === 'changes')
          assertEdgeResult({ kind: 'changes', changes: prepared.changes.map((change) => change.record) }, PREFIX);
        assertNoSecretIn(
          prepared.kind === 'changes' ? prepared.changes.map((change) => change.record) : prepared,
          secrets,
        );
      }
    },
    { runs: 80, outcomes },
  );
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
});
