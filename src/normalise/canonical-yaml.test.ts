import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { CORPUS } from '../../test/helpers/corpus.ts';
import { assertGolden } from '../../test/helpers/golden.ts';
import type { Doc } from '../domain/change.ts';
import { orderDocument, parseCanonicalYaml, toCanonicalYaml } from './canonical-yaml.ts';
import { removeNoise } from './noise.ts';

const fixtures = join(import.meta.dirname, '__fixtures__');
const corpus = join(CORPUS, 'k8s-objects');

test('a live Deployment renders to its golden canonical YAML, noise removed', () => {
  const live = JSON.parse(readFileSync(join(fixtures, 'deployment-live.json'), 'utf8'));
  const text = toCanonicalYaml(removeNoise(live).doc);
  assertGolden(text, join(fixtures, 'deployment-live.yaml'));
  assert.doesNotMatch(text, /managedFields|resourceVersion|generation|selfLink|last-applied-configuration|^status:/m);
  assert.match(text, /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n/);
});

test('embedded files become literal blocks, one line per line, tabs included', () => {
  const configMap = JSON.parse(readFileSync(join(fixtures, 'configmap-embedded-file.json'), 'utf8'));
  const text = toCanonicalYaml(configMap);
  assertGolden(text, join(fixtures, 'configmap-embedded-file.yaml'));
  assert.match(text, /  backup\.sh: \|\n    #!\/bin\/sh\n    set -eu\n/);
  assert.match(text, /  hosts\.tsv: \|\n    name\taddress\n/);
  assert.deepEqual(parseCanonicalYaml(text), configMap);
});

test('the same document always gives the same bytes, whatever its key order', () => {
  const a = {
    kind: 'X',
    spec: { b: 1, a: [{ z: 1, y: 2 }] },
    apiVersion: 'v1',
    status: { ok: true },
    metadata: { name: 'n' },
    zeta: 1,
    alpha: 2,
  };
  const b = {
    status: { ok: true },
    alpha: 2,
    zeta: 1,
    metadata: { name: 'n' },
    apiVersion: 'v1',
    spec: { a: [{ y: 2, z: 1 }], b: 1 },
    kind: 'X',
  };
  assert.equal(toCanonicalYaml(a), toCanonicalYaml(b));
  assert.deepEqual(Object.keys(yaml.load(toCanonicalYaml(a)) as object), [
    'apiVersion',
    'kind',
    'metadata',
    'alpha',
    'spec',
    'zeta',
    'status',
  ]);
});

test('strings that look like other YAML types stay strings', () => {
  const doc = {
    data: {
      yes: 'yes',
      no: 'no',
      on: 'on',
      number: '0123',
      float: '1e3',
      nul: 'null',
      tilde: '~',
      date: '2024-01-01',
      colon: 'a: b',
      hash: '# x',
      empty: '',
    },
  };
  assert.deepEqual(parseCanonicalYaml(toCanonicalYaml(doc)), doc);
});

test('every object in the corpus survives the round trip unchanged', () => {
  const files = readdirSync(corpus).filter((name) => /\.(json|ya?ml)$/.test(name));
  assert.ok(files.length > 100);
  let checked = 0;
  for (const name of files) {
    const text = readFileSync(join(corpus, name), 'utf8');
    let docs: unknown[];
    try {
      docs = name.endsWith('.json') ? [JSON.parse(text)] : yaml.loadAll(text);
    } catch (error) {
      // One upstream test file repeats a mapping key; no API server would serve it.
      assert.match(String(error), /duplicated mapping key/, name);
      continue;
    }
    for (const doc of docs) {
      checked += 1;
      if (!doc || typeof doc !== 'object') continue;
      const rendered = toCanonicalYaml(doc as Record<string, unknown>);
      assert.deepEqual(parseCanonicalYaml(rendered), orderDocument(doc), name);
      assert.equal(toCanonicalYaml(parseCanonicalYaml(rendered)), rendered, `${name} is not a fixed point`);
    }
  }
  assert.ok(checked >= 100, `only ${checked} corpus objects checked`);
});

test('issue 10: a `__proto__` key is data like any other, and -0 renders as 0 (as after a journal round trip)', () => {
  const doc = JSON.parse('{"__proto__":{"polluted":true},"count":-0,"list":[-0]}') as Doc;
  const yaml = toCanonicalYaml(doc);
  assert.equal(yaml, '__proto__:\n  polluted: true\ncount: 0\nlist:\n  - 0\n');
  assert.equal(toCanonicalYaml(JSON.parse(JSON.stringify(doc)) as Doc), yaml);
  const back = parseCanonicalYaml(yaml);
  assert.deepEqual(Object.keys(back), ['__proto__', 'count', 'list']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype was touched');
});
