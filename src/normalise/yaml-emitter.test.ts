// The direct emitter must write exactly what js-yaml writes (canonical YAML is a public format:
// a changed byte changes every blob id), for every document of the corpus and for documents full
// of strings that YAML reads as something else or cannot write plainly.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { CORPUS } from '../../test/helpers/corpus.ts';
import type { Doc } from '../domain/change.ts';
import { toCanonicalYaml, toCanonicalYamlWithJsYaml } from './canonical-yaml.ts';

function corpusValues(): unknown[] {
  const values: unknown[] = [];
  for (const folder of readdirSync(CORPUS, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const name of readdirSync(join(CORPUS, folder.name))) {
      const text = readFileSync(join(CORPUS, folder.name, name), 'utf8');
      try {
        if (name.endsWith('.ndjson'))
          values.push(
            ...text
              .split('\n')
              .filter(Boolean)
              .map((line) => JSON.parse(line)),
          );
        else if (name.endsWith('.json')) values.push(JSON.parse(text));
        else if (name.endsWith('.yaml')) values.push(...yaml.loadAll(text));
      } catch {
        // A corpus file js-yaml cannot read (a duplicated key) holds no document to compare.
      }
    }
  }
  return values;
}

/** Every mapping in `value`, itself included: events, the objects inside them, their parts. */
function mappings(value: unknown, into: Doc[] = []): Doc[] {
  if (value === null || typeof value !== 'object') return into;
  if (!Array.isArray(value)) into.push(value as Doc);
  for (const item of Object.values(value)) mappings(item, into);
  return into;
}

test('every mapping of the corpus renders to the bytes js-yaml writes', () => {
  const docs = corpusValues().flatMap((value) => mappings(value));
  assert.ok(docs.length > 5000, `only ${docs.length} mappings in the corpus`);
  for (const doc of docs) assert.equal(toCanonicalYaml(doc), toCanonicalYamlWithJsYaml(doc));
});

const TRICKY = [
  '',
  ' ',
  '  ',
  'a ',
  ' a',
  'a  b',
  '\t',
  'a\tb',
  'yes',
  'no',
  'Yes',
  'NO',
  'on',
  'off',
  'y',
  'n',
  'true',
  'False',
  'null',
  'Null',
  '~',
  '=',
  '<<',
  '-',
  '--',
  '---',
  '...',
  '- a',
  '-a',
  '? a',
  '?a',
  ':',
  'a:',
  'a:b',
  'a: b',
  'a #b',
  'a#b',
  '#a',
  '@a',
  '`a',
  '!a',
  '&a',
  '*a',
  '%a',
  '|',
  '>',
  "'",
  '"',
  "it's",
  'say "hi"',
  '[a]',
  '{a}',
  'a,b',
  'a]',
  '1',
  '01',
  '0o17',
  '0x1F',
  '0b11',
  '1e3',
  '1E3',
  '1.5',
  '.5',
  '-1',
  '+1',
  '1_000',
  '1:30',
  '190:20:30',
  '.inf',
  '-.Inf',
  '.NaN',
  'NaN',
  'Infinity',
  '2024-01-02',
  '2024-01-02T03:04:05Z',
  '2024-01-02 03:04:05.123 +01:00',
  '12345',
  '0',
  '2',
  '10',
  '4294967294',
  '4294967295',
  '0.0.1',
  'v1.2.3',
  'é',
  'ü ber',
  '日本語',
  '😀',
  '\u00a0',
  'a\u00a0b',
  '\u2028',
  '\ufeff',
  '\u0085',
  'a\u0007b',
  '\ud800',
  'a\rb',
  'a\nb',
  'a\n',
  '\n',
  'a\n\n',
  '\na',
  ' a\nb',
  'a \nb',
  'a\n b',
  'a\tb\nc',
  'line\n\tindented\n',
  '#!/bin/sh\nset -eu\n',
  'x\n---\ny',
  'x\n...\n',
  '  lead\nx\n',
  'a\u0007\nb',
  'a\r\nb\r\n',
  'k: v\nk2: v2\n',
  'a\n\nb\n',
  '\n\nx',
  'x\n \ny',
  'x\n  y\n',
  ' \n',
  'x \n',
  '- a\n- b',
  'app.kubernetes.io/name',
  'system:serviceaccount:kube-system:x',
  'x'.repeat(1100),
  `${'y '.repeat(600)}z`,
];

const NUMBERS = [0, -0, 1, -1, 42, 1.5, -2.25, 1e21, 1e-7, 2 ** 53, 2 ** 53 + 2, Number.NaN, Infinity, -Infinity, 0.1];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const roll = next();
  if (depth > 4 || roll < 0.45) return pick(TRICKY);
  if (roll < 0.55) return pick(NUMBERS);
  if (roll < 0.6) return pick([true, false, null, undefined, new Date(Date.UTC(2024, 0, 2, 3, 4, 5))]);
  const size = Math.floor(next() * 4);
  if (roll < 0.78) return Array.from({ length: size }, () => generate(next, depth + 1));
  const map: Record<string, unknown> = {};
  for (let index = 0; index < size; index += 1) {
    const key = next() < 0.5 ? pick(TRICKY) : pick(['apiVersion', 'kind', 'metadata', 'status', 'spec', 'b', 'a']);
    Object.defineProperty(map, key, { value: generate(next, depth + 1), enumerable: true, writable: true });
  }
  return map;
}

test('documents of tricky keys and values render to the bytes js-yaml writes', () => {
  const next = random(12);
  for (let round = 0; round < 5000; round += 1) {
    const doc = generate(next, 0);
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) continue;
    assert.equal(toCanonicalYaml(doc as Doc), toCanonicalYamlWithJsYaml(doc as Doc), JSON.stringify(doc));
  }
});

test('every tricky string renders as js-yaml writes it, as a key and as a value at any depth', () => {
  for (const value of TRICKY) {
    const docs = [{ [value]: 1 }, { k: value }, { a: { b: [value, { c: value }] } }, { a: [[value]] }, { [value]: {} }];
    for (const doc of docs) assert.equal(toCanonicalYaml(doc), toCanonicalYamlWithJsYaml(doc), JSON.stringify(doc));
  }
});

test('a key named __proto__ and objects without a prototype render as js-yaml writes them', () => {
  const docs = [JSON.parse('{"__proto__": {"a": 1}, "b": [1]}'), Object.assign(Object.create(null), { z: 1, a: 2 })];
  for (const doc of docs) assert.equal(toCanonicalYaml(doc), toCanonicalYamlWithJsYaml(doc));
});
