// What every normalised record must satisfy once the edge let it through (issue 10), checked
// on each fuzz case: a time git and the timeline hold, headers without control or format
// characters, a path a file system holds under its kind's folder, a bounded document whose
// canonical YAML is deterministic and reads back as the same data, and no planted secret.
import assert from 'node:assert/strict';
import type { AttributionFact, ChangeRecord, Doc, NormaliseResult } from '../../src/domain/change.ts';
import { checkChange, checkFact } from '../../src/edge/check-record.ts';
import { nestingDepth } from '../../src/edge/depth.ts';
import { DEFAULT_EDGE_LIMITS, type EdgeContext } from '../../src/edge/limits.ts';
import { applyUpdate } from '../../src/normalise/apply-update.ts';
import { parseCanonicalYaml, toCanonicalYaml } from '../../src/normalise/canonical-yaml.ts';
import { FUZZ_NOW } from './arbitraries.ts';

export const FUZZ_EDGE: EdgeContext = { limits: DEFAULT_EDGE_LIMITS, now: () => FUZZ_NOW };

const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

function assertHeader(text: string, what: string): void {
  assert.ok(
    !INVISIBLE.test(text) && text.isWellFormed(),
    `${what} holds a control or format character: ${JSON.stringify(text)}`,
  );
}

function assertPath(path: string, prefix: RegExp): void {
  assert.match(path, prefix, 'the path is in its kind’s folder');
  assert.ok(path.endsWith('.yaml'), `${path} ends in .yaml`);
  assert.ok(Buffer.byteLength(path) <= DEFAULT_EDGE_LIMITS.maxPathBytes, 'the path is short enough');
  for (const segment of path.split('/')) {
    assert.ok(
      segment !== '' && !segment.startsWith('.'),
      `${JSON.stringify(path)}: a segment is empty or starts with a dot`,
    );
    assert.ok(Buffer.byteLength(segment) <= 255, `${JSON.stringify(path)}: a segment is over 255 bytes`);
    assert.ok(!INVISIBLE.test(segment) && !segment.includes('\\'), `${JSON.stringify(path)}: an unescaped character`);
  }
}

const jsonCopy = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, item]) => [key, reversedKeys(item)]),
  );
}

/** The same bytes whatever the key order or a journal round trip, and the same data read back. */
export function assertRendering(doc: Doc): void {
  assert.ok(nestingDepth(doc) <= DEFAULT_EDGE_LIMITS.maxDepth, 'the document is not nested too deeply');
  const yaml = toCanonicalYaml(doc);
  assert.ok(Buffer.byteLength(yaml) <= DEFAULT_EDGE_LIMITS.maxDocumentBytes, 'the document is within the size limit');
  assert.equal(toCanonicalYaml(jsonCopy(doc) as Doc), yaml, 'a journal round trip renders the same bytes');
  assert.equal(toCanonicalYaml(reversedKeys(doc) as Doc), yaml, 'key order does not change the bytes');
  assert.deepEqual(jsonCopy(parseCanonicalYaml(yaml)), jsonCopy(doc), 'the YAML reads back as the same data');
}

function assertChange(change: ChangeRecord, prefix: RegExp): void {
  const again = checkChange(change, FUZZ_EDGE);
  assert.ok(again.ok, `the edge refuses what it let through: ${again.ok ? '' : again.reason}`);
  assert.deepEqual(again.value, change, 'the edge is a fixed point');
  assert.ok(change.time >= 0 && change.time <= FUZZ_NOW + DEFAULT_EDGE_LIMITS.futureSkewMs, 'the time is in range');
  assertHeader(change.author.name, 'the author name');
  assertHeader(change.author.email, 'the author e-mail');
  assertHeader(change.subject, 'the subject');
  for (const [key, value] of change.trailers) assertHeader(`${key}: ${value}`, 'a trailer');
  assertPath(change.path, change.branch === 'activity' ? /^activity\// : prefix);
  const doc =
    change.update.kind === 'delete'
      ? null
      : applyUpdate(
          null,
          change.update.kind === 'set-fields' ? { ...change.update, createIfMissing: true } : change.update,
        );
  if (doc !== null && doc !== 'skip') assertRendering(doc);
}

function assertFact(fact: AttributionFact): void {
  const again = checkFact(fact, FUZZ_EDGE);
  assert.ok(again.ok && JSON.stringify(again.value) === JSON.stringify(fact), 'the edge is a fixed point for facts');
  assertHeader(fact.actor.name, 'the actor of a fact');
  for (const [key, value] of fact.trailers) assertHeader(`${key}: ${value}`, 'a trailer of a fact');
  assertPath(fact.path, /^kubernetes\//);
}

/** What the edge yields for one input record satisfies every invariant. */
export function assertEdgeResult(result: NormaliseResult, prefix: RegExp): void {
  if (result.kind === 'rejected') {
    assert.ok(result.reason.length > 0, 'a refusal says why');
    return;
  }
  for (const fact of result.facts ?? []) assertFact(fact);
  if (result.kind === 'changes') for (const change of result.changes) assertChange(change, prefix);
}

/** No planted secret, in clear or in base64, anywhere in `value`. */
export function assertNoSecretIn(value: unknown, secrets: readonly string[]): void {
  const text = JSON.stringify(value);
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `secret ${secret} survived`);
    assert.ok(!text.includes(Buffer.from(secret).toString('base64')), `secret ${secret} survived in base64`);
  }
}
