// Issue 10, "What was found" 3: secrets that reached the repository in clear on the old main.
// Each reproduction goes through the real `gitrail ingest` into a data folder, and every git
// object and data file is scanned for the plaintext and its base64.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../helpers/cli.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { assertNoSecrets } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

const ACCOUNT = '123456789012';
let sequence = 0;

function call(eventSource: string, eventName: string, requestParameters: unknown, extra: object = {}) {
  sequence += 1;
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' },
    eventTime: `2026-01-02T03:04:${String(sequence).padStart(2, '0')}Z`,
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '192.0.2.1',
    userAgent: 'aws-cli/2',
    eventID: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
    requestParameters,
    responseElements: null,
    ...extra,
  };
}

function audit(verb: string, objectRef: object, code: number, bodies: object) {
  sequence += 1;
  const at = `2026-01-02T04:00:${String(sequence).padStart(2, '0')}.000000Z`;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `a0000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: '/apis',
    verb,
    user: { username: 'bob@example.com', groups: ['system:authenticated'] },
    objectRef,
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: at,
    stageTimestamp: at,
    ...bodies,
  };
}

const S = {
  ssm: 'SsmSecureString-Value-41',
  lambda: 'LambdaDbPassword-Value-42',
  ecs: 'EcsApiToken-Value-43',
  elasticache: 'ElastiCacheAuthToken-Value-44',
  kapp: 'KappOriginalPlaintext-45',
  tokenReview: 'eyJhbGciOiJSUzI1NiJ9.TokenReviewBearer-46',
  codebuild: 'CodeBuildSecretValue-47',
  k8sEnv: 'PodEnvSecretValue-48',
};

const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 'db',
    namespace: 'shop',
    annotations: {
      'kapp.k14s.io/original': JSON.stringify({ apiVersion: 'v1', kind: 'Secret', stringData: { password: S.kapp } }),
    },
  },
  type: 'Opaque',
  data: { password: Buffer.from(S.kapp).toString('base64') },
};

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx',
            env: [
              { name: 'LOG_LEVEL', value: 'debug' },
              { name: 'STRIPE_API_KEY', value: S.k8sEnv },
            ],
          },
        ],
      },
    },
  },
};

test('no reproduction of issue 10 leaves a secret in git objects, index.db or any data file', (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  const cloudtrail = join(dir, 'cloudtrail.json');
  writeFileSync(
    cloudtrail,
    JSON.stringify({
      Records: [
        call('ssm.amazonaws.com', 'PutParameter', {
          name: '/prod/db/password',
          type: 'SecureString',
          value: S.ssm,
          overwrite: true,
        }),
        call('lambda.amazonaws.com', 'CreateFunction20150331', {
          functionName: 'orders',
          runtime: 'nodejs20.x',
          environment: { variables: { DB_PASSWORD: S.lambda, LOG_LEVEL: 'info' } },
        }),
        call(
          'ecs.amazonaws.com',
          'RegisterTaskDefinition',
          {
            // A failed registration is stored whole in `activity`.
            family: 'api',
            containerDefinitions: [
              {
                name: 'api',
                image: 'api:1',
                environment: [
                  { name: 'API_TOKEN', value: S.ecs },
                  { name: 'LOG_LEVEL', value: 'warn' },
                ],
              },
            ],
          },
          { errorCode: 'ClientException' },
        ),
        call('elasticache.amazonaws.com', 'CreateReplicationGroup', {
          replicationGroupId: 'sessions',
          replicationGroupDescription: 'sessions',
          transitEncryptionEnabled: true,
          authToken: S.elasticache,
        }),
        call('codebuild.amazonaws.com', 'CreateProject', {
          name: 'build',
          environment: {
            type: 'LINUX_CONTAINER',
            environmentVariables: [{ name: 'NPM_AUTH_SECRET', value: S.codebuild, type: 'PLAINTEXT' }],
          },
        }),
      ],
    }),
  );
  const kubernetes = join(dir, 'audit.jsonl');
  const secretRef = { resource: 'secrets', namespace: 'shop', name: 'db', apiVersion: 'v1' };
  const deploymentRef = { resource: 'deployments', namespace: 'shop', name: 'web', apiGroup: 'apps', apiVersion: 'v1' };
  const reviewRef = { resource: 'tokenreviews', apiGroup: 'authentication.k8s.io', apiVersion: 'v1' };
  const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: S.tokenReview } };
  writeFileSync(
    kubernetes,
    [
      audit('create', secretRef, 201, { requestObject: secret, responseObject: secret }),
      audit('create', deploymentRef, 201, { requestObject: deployment, responseObject: deployment }),
      audit('create', reviewRef, 500, { requestObject: review, responseObject: { kind: 'Status', code: 500 } }),
      audit('create', reviewRef, 201, { requestObject: review, responseObject: { ...review, status: {} } }),
    ]
      .map((event) => JSON.stringify(event))
      .join('\n'),
  );
  for (const file of [cloudtrail, kubernetes]) {
    const result = gitrail(['ingest', '--data', data, '--cluster', 'prod', '--json', file]);
    assert.equal(result.status, 0, result.stderr);
  }
  fsckStrict(join(data, 'repo.git'));
  const all = git(join(data, 'repo.git'), 'log', '--all', '--format=%s');
  assert.match(all, /PutParameter|ssm/i, 'the SSM call is recorded');
  const leaked = Object.entries(S).filter(([, value]) => {
    try {
      assertNoSecrets(data, [value]);
      return false;
    } catch {
      return true;
    }
  });
  assert.deepEqual(
    leaked.map(([name]) => name),
    [],
    'reproductions whose secret is stored in clear',
  );
  assertNoSecrets(data, Object.values(S));
  // Harmless settings stay readable; the change of a secret stays visible as a hash.
  const objects = git(join(data, 'repo.git'), 'grep', '-h', '-e', 'LOG_LEVEL', '-A1', 'main');
  assert.match(objects, /debug|info|warn/);
});
