// Fuzzing, issue 10: the edge's own building blocks. The cheap size bounds hold against
// js-yaml, depth is measured as recursion would, escaping is reversible, injective and safe,
// bounded paths fit a file system, header text is clean: on any input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Doc } from '../../src/domain/change.ts';
import { cleanHeaderText } from '../../src/domain/text.ts';
import { nestingDepth } from '../../src/edge/depth.ts';
import { yamlSizeBounds } from '../../src/edge/document-size.ts';
import { toCanonicalYaml } from '../../src/normalise/canonical-yaml.ts';
import { boundPath, escapeSegment, unescapeSegment } from '../../src/normalise/paths.ts';
import { jsonObject, nastyString } from './arbitraries.ts';
import { fuzz } from './settings.ts';

const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

const anyString = fc.oneof(nastyString, fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme' }));
const wellFormed = anyString.filter((text) => text !== '' && text.isWellFormed());

/** Documents the edge lets through (a deeper one js-yaml cannot even write). */
const document = fc
  .oneof(
    jsonObject,
    fc.dictionary(anyString, fc.jsonValue({ maxDepth: 6, stringUnit: 'binary' }), { maxKeys: 8 }),
    fc.dictionary(
      anyString,
      fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 30 }).map((lines) => lines.join('\n')),
      { maxKeys: 4 },
    ),
  )
  .filter((doc) => nestingDepth(doc, 100) <= 100);

function recursiveDepth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(recursiveDepth));
}

test('fuzz the YAML size bounds against js-yaml, and the depth against recursion', async () => {
  await fuzz(
    'edge-document-size',
    document,
    (doc) => {
      const bytes = Buffer.byteLength(toCanonicalYaml(doc as Doc));
      const { low, high } = yamlSizeBounds(doc as Doc);
      assert.ok(low <= bytes, `low bound ${low} over the ${bytes} bytes`);
      assert.ok(bytes <= high, `high bound ${high} under the ${bytes} bytes`);
      assert.equal(nestingDepth(doc), recursiveDepth(doc));
    },
    { runs: 150 },
  );
});

test('fuzz path escaping: reversible, injective, nothing unsafe left, bounded to 255 bytes', async () => {
  await fuzz(
    'edge-paths',
    fc.tuple(wellFormed, wellFormed),
    ([a, b]) => {
      const escaped = escapeSegment(a);
      assert.equal(unescapeSegment(escaped), a, 'escaping is reversible');
      assert.ok(!escaped.startsWith('.') && !/[/\\]/.test(escaped) && !INVISIBLE.test(escaped), escaped);
      assert.ok(!/^(git|gitmod|gi7eba)~/i.test(escaped), 'no NTFS short name of .git');
      if (a !== b) assert.notEqual(escapeSegment(b), escaped, 'two names never share a path');
      const path = `custom/s/${escaped}/${escapeSegment(b)}.yaml`;
      const bounded = boundPath(path);
      for (const segment of bounded.split('/')) assert.ok(Buffer.byteLength(segment) <= 255);
      assert.equal(boundPath(bounded), bounded, 'bounding twice changes nothing');
      assert.ok(bounded.endsWith('.yaml'));
      const shortA = boundPath(`custom/s/${escaped}.yaml`);
      const shortB = boundPath(`custom/s/${escapeSegment(b)}.yaml`);
      if (a !== b) assert.notEqual(shortA, shortB, 'shortened names stay apart');
    },
    { runs: 300 },
  );
});

test('fuzz header text: nothing invisible survives, and cleaning twice changes nothing', async () => {
  await fuzz(
    'edge-header-text',
    anyString,
    (text) => {
      const clean = cleanHeaderText(text);
      assert.ok(!INVISIBLE.test(clean) && clean.isWellFormed(), JSON.stringify(clean));
      assert.equal(cleanHeaderText(clean), clean);
    },
    { runs: 300 },
  );
});
