import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEmbeddedDocuments, decodePolicyDocument } from './policy-document.ts';

const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };

test('JSON and URL-encoded JSON strings become structure; anything else is kept', () => {
  assert.deepEqual(decodePolicyDocument(JSON.stringify(policy)), policy);
  assert.deepEqual(decodePolicyDocument(encodeURIComponent(JSON.stringify(policy, null, 2))), policy);
  assert.equal(decodePolicyDocument('invalid-json-policy'), 'invalid-json-policy');
  assert.equal(decodePolicyDocument('%E0%A4%A'), '%E0%A4%A');
  assert.equal(decodePolicyDocument('{"Version":'), '{"Version":');
  assert.deepEqual(decodePolicyDocument(policy), policy);
  assert.equal(decodePolicyDocument(undefined), undefined);
});

test('documents under policy-like keys are decoded at any depth, other strings are not', () => {
  const decoded = decodeEmbeddedDocuments({
    roleName: '{"not":"a policy"}',
    policyDocument: JSON.stringify(policy),
    role: { assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(policy)) },
    attributes: { Policy: JSON.stringify(policy) },
    statement: JSON.stringify(policy.Statement[0]),
  });
  assert.deepEqual(decoded, {
    roleName: '{"not":"a policy"}',
    policyDocument: policy,
    role: { assumeRolePolicyDocument: policy },
    attributes: { Policy: policy },
    statement: policy.Statement[0],
  });
});
