import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedactor, DEFAULT_SENSITIVE_KEY_SET, redactKeys, redactSecret } from './redact.ts';

const redact = createRedactor(Buffer.alloc(32, 3));
const HASH = /^hmac-sha256:[0-9a-f]{64}$/;
const scrub = (value: unknown) => redactKeys(value, DEFAULT_SENSITIVE_KEY_SET, redact) as Record<string, any>;

test('environment pairs (Kubernetes env, ECS environment, CodeBuild) are hashed when the name looks secret', () => {
  const out = scrub({
    env: [
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'DB_PASSWORD', value: 'p' },
      { name: 'GITHUB_TOKEN', value: 't' },
      { name: 'AWS_SECRET_ACCESS_KEY', value: 'k' },
      { name: 'NPM_AUTH', value: 'a', type: 'PLAINTEXT' },
      { name: 'FROM_REF', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ],
  });
  assert.equal(out['env'][0].value, 'debug');
  for (const index of [1, 2, 3, 4]) assert.match(out['env'][index].value, HASH, out['env'][index].name);
  assert.deepEqual(out['env'][5].valueFrom, { secretKeyRef: { name: 'db', key: 'password' } });
});

test('environment maps (Lambda variables, Amplify environmentVariables) are hashed by name', () => {
  const out = scrub({
    environment: { variables: { STRIPE_SECRET: 's', LOG_LEVEL: 'info', DATABASE_URL: 'postgres://u:p@h/db' } },
    environmentVariables: { API_KEY: 'k', REGION: 'eu' },
  });
  assert.match(out['environment'].variables.STRIPE_SECRET, HASH);
  assert.match(out['environment'].variables.DATABASE_URL, HASH);
  assert.equal(out['environment'].variables.LOG_LEVEL, 'info');
  assert.match(out['environmentVariables'].API_KEY, HASH);
  assert.equal(out['environmentVariables'].REGION, 'eu');
});

test('every annotation of a Secret is hashed, kapp.k14s.io/original included', () => {
  const out = redactSecret(
    {
      kind: 'Secret',
      metadata: {
        annotations: { 'kapp.k14s.io/original': '{"stringData":{"p":"x"}}', 'example.com/any': 'plaintext' },
      },
      data: {},
    },
    redact,
  ) as Record<string, any>;
  for (const value of Object.values(out['metadata'].annotations)) assert.match(String(value), HASH);
});
