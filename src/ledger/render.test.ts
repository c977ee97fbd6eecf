import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { toCanonicalYaml } from '../normalise/canonical-yaml.ts';
import { blobOid, renderBlob, unpackDoc } from './render.ts';

const docs = [
  {},
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, data: { value: 'one' } },
  { nested: { list: [1, 'two', { three: null }], unicode: 'héllo ✓', multiline: 'a\nb\n' }, flag: true },
];

test('blobOid is the id renderBlob gives the same document, and the id git gives its canonical YAML', () => {
  for (const doc of docs) {
    const rendered = renderBlob(doc);
    assert.equal(blobOid(doc), rendered.oid);
    assert.equal(
      blobOid(doc),
      execFileSync('git', ['hash-object', '--stdin'], { input: toCanonicalYaml(doc), encoding: 'utf8' }).trim(),
    );
    assert.deepEqual(unpackDoc(rendered.packedDoc), doc);
  }
});
