import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError, NotFoundError } from '../domain/errors.ts';
import { IndexDb } from '../index/index-db.ts';
import { IndexQueries } from '../index/queries.ts';
import { keyOfPath, pathOfKey } from './resource-key.ts';
import { globLiteral, parseRef, resolveRef } from './resource-ref.ts';

const RECORDED = [
  'kubernetes/prod/namespaces/payments/apps/deployments/web.yaml',
  'kubernetes/staging/namespaces/payments/apps/deployments/web.yaml',
  'kubernetes/prod/namespaces/payments/core/configmaps/web.yaml',
  'kubernetes/prod/namespaces/payments/core/services/api.yaml',
  'kubernetes/prod/cluster/rbac.authorization.k8s.io/clusterrolebindings/admins.yaml',
  'kubernetes/prod/cluster/core/namespaces/payments.yaml',
  'kubernetes/prod/namespaces/payments/example.com/widgets/w1.yaml',
  'kubernetes/prod/namespaces/payments/example.com/widgets/w[1].yaml',
  'aws/111122223333/global/iam/Role/app.yaml',
  'aws/111122223333/eu-west-1/lambda/Function/app.yaml',
  'aws/444455556666/global/iam/Role/app.yaml',
  'aws/111122223333/global/iam/Policy/ops.yaml',
  'aws/111122223333/global/iam/Policy/a*b.yaml',
  'aws/111122223333/global/iam/Policy/a-b.yaml',
  'custom/events/feature-flags/checkout.yaml',
  'gcp/shop-prod/global/storage/buckets/assets.yaml',
  'gcp/example.com%3Ashop/europe-west1/secretmanager/secrets/db/versions/3.yaml',
];

/** The real index (in memory) holding RECORDED, and its real GLOB query; `exists` as lookup.ts asks it. */
const index = new IndexDb(':memory:');
index.record(
  RECORDED.map((path, i) => ({
    sha: i.toString(16).padStart(40, '0'),
    branch: 'main',
    parent: null,
    time: i * 1000,
    authorName: 'a',
    authorEmail: 'a@example.com',
    subject: 'create',
    body: '',
    trailers: {},
    changes: [{ path, op: 'A', blob: null }],
  })),
  [],
  new Map(),
);
const queries = new IndexQueries(index.db);
const findPaths = (glob: string) => queries.findPaths(glob);
const exists = (path: string) => queries.findPaths(globLiteral(path), 1).length > 0;
const resolve = (words: string[], scope = {}) => resolveRef(parseRef(words, scope), findPaths, exists);

test('keys and paths convert both ways for every family', () => {
  const pairs: Array<[string, string]> = [
    ['kubernetes/prod/namespaces/payments/apps/deployments/web.yaml', 'prod:payments/deployment/web'],
    [
      'kubernetes/prod/cluster/rbac.authorization.k8s.io/clusterrolebindings/admins.yaml',
      'prod:clusterrolebinding/admins',
    ],
    ['kubernetes/prod/namespaces/payments/example.com/widgets/w1.yaml', 'prod:payments/widgets.example.com/w1'],
    ['kubernetes/prod/namespaces/x/extensions/deployments/old.yaml', 'prod:x/deployments.extensions/old'],
    ['kubernetes/c/namespaces/n/core/foos/a%2Fb.yaml', 'c:n/foos/a%2Fb'],
    ['aws/111122223333/global/iam/Role/app.yaml', 'aws:111122223333:iam/Role/app'],
    ['aws/111122223333/eu-west-1/lambda/Function/app.yaml', 'aws:111122223333:eu-west-1:lambda/Function/app'],
    ['aws/4/us-east-1/bedrock/Model/claude-v1:0.yaml', 'aws:4:us-east-1:bedrock/Model/claude-v1:0'],
    ['custom/events/feature-flags/checkout.yaml', 'custom:events/feature-flags/checkout'],
    ['gcp/shop-prod/global/storage/buckets/assets.yaml', 'gcp:shop-prod:global:storage/buckets/assets'],
    ['gcp/example.com:shop/us/storage/buckets/a%2Fb.yaml', 'gcp:example.com:shop:us:storage/buckets/a%2Fb'],
  ];
  for (const [path, key] of pairs) {
    assert.equal(keyOfPath(path), key);
    assert.equal(pathOfKey(key), path);
  }
  assert.equal(keyOfPath('activity/kubernetes/2026/03/02/01/x.yaml'), 'activity/kubernetes/2026/03/02/01/x.yaml');
});

test('kubectl forms: TYPE/NAME and TYPE NAME with kind, plural, singular or short names', () => {
  const web = 'kubernetes/prod/namespaces/payments/apps/deployments/web.yaml';
  for (const words of [
    ['deploy/web'],
    ['deployment', 'web'],
    ['deployments/web'],
    ['Deployment/web'],
    ['deployments.apps/web'],
  ]) {
    assert.equal(resolve(words, { cluster: 'prod', namespace: 'payments' }), web, words.join(' '));
  }
  assert.equal(
    resolve(['cm/web'], { namespace: 'payments' }),
    'kubernetes/prod/namespaces/payments/core/configmaps/web.yaml',
  );
  assert.equal(resolve(['svc', 'api']), 'kubernetes/prod/namespaces/payments/core/services/api.yaml');
  assert.equal(
    resolve(['crb/admins'], { namespace: 'ignored' }),
    'kubernetes/prod/cluster/rbac.authorization.k8s.io/clusterrolebindings/admins.yaml',
  );
  assert.equal(resolve(['ns/payments']), 'kubernetes/prod/cluster/core/namespaces/payments.yaml');
  assert.equal(resolve(['widget/w1']), 'kubernetes/prod/namespaces/payments/example.com/widgets/w1.yaml');
  assert.equal(
    resolve(['widgets.example.com', 'w1']),
    'kubernetes/prod/namespaces/payments/example.com/widgets/w1.yaml',
  );
});

test('the same name in two clusters is an error listing both candidates by key', () => {
  assert.throws(
    () => resolve(['deploy/web'], { namespace: 'payments' }),
    (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.equal(
        error.message,
        [
          'deploy/web is ambiguous, 2 resources match:',
          '  prod:payments/deployment/web',
          '  staging:payments/deployment/web',
          'name one with --cluster, -n/--namespace, --account or --region, or by its key',
        ].join('\n'),
      );
      return true;
    },
  );
  assert.equal(
    resolve(['deploy/web'], { cluster: 'staging' }),
    'kubernetes/staging/namespaces/payments/apps/deployments/web.yaml',
  );
});

test('AWS references: aws SERVICE TYPE ID, type in any case or plural, scoped by account and region', () => {
  assert.equal(resolve(['aws', 'lambda', 'function', 'app']), 'aws/111122223333/eu-west-1/lambda/Function/app.yaml');
  assert.equal(resolve(['aws', 'iam', 'policies', 'ops']), 'aws/111122223333/global/iam/Policy/ops.yaml');
  assert.equal(
    resolve(['aws', 'iam', 'role', 'app'], { account: '444455556666' }),
    'aws/444455556666/global/iam/Role/app.yaml',
  );
  assert.throws(
    () => resolve(['aws', 'iam', 'role', 'app']),
    new RegExp(
      String.raw`aws iam role app is ambiguous, 2 resources match:\n  aws:111122223333:iam\/Role\/app\n  ` +
        String.raw`aws:444455556666:iam\/Role\/app`,
    ),
  );
  assert.throws(() => resolve(['aws', 'iam', 'role', 'app'], { region: 'eu-west-1' }), NotFoundError);
});

test('paths, keys and custom references resolve exactly; unknown ones are NOT_FOUND naming the reference', () => {
  assert.equal(resolve(['custom', 'events', 'feature-flags/checkout']), 'custom/events/feature-flags/checkout.yaml');
  assert.equal(resolve(['custom/events/feature-flags/checkout']), 'custom/events/feature-flags/checkout.yaml');
  assert.deepEqual(parseRef(['gcp/p/us-central1-a/compute/instances/vm-1']), {
    kind: 'path',
    path: 'gcp/p/us-central1-a/compute/instances/vm-1.yaml',
    text: 'gcp/p/us-central1-a/compute/instances/vm-1',
  });
  assert.equal(
    resolve(['staging:payments/deployment/web']),
    'kubernetes/staging/namespaces/payments/apps/deployments/web.yaml',
  );
  assert.throws(
    () => resolve(['deploy/nope']),
    (error: unknown) => error instanceof NotFoundError && error.message === 'no recorded resource matches deploy/nope',
  );
  assert.throws(
    () => resolve(['prod:payments/deployment/nope']),
    new RegExp(
      String.raw`no recorded resource prod:payments\/deployment\/nope ` +
        String.raw`\(kubernetes\/prod\/namespaces\/payments\/apps\/deployments\/nope.yaml\)`,
    ),
  );
});

test('malformed references are INVALID_INPUT with the accepted forms', () => {
  for (const words of [['web'], ['a/b/c'], ['aws', 'iam', 'role'], ['x', 'y', 'z'], ['/web'], []]) {
    assert.throws(() => parseRef(words), InvalidInputError, words.join(' '));
  }
  assert.throws(() => parseRef(['web']), /expected TYPE\/NAME or TYPE NAME/);
});

test('names holding GLOB characters (*, ?, [) match only themselves', () => {
  assert.equal(resolve(['widget/w[1]']), 'kubernetes/prod/namespaces/payments/example.com/widgets/w[1].yaml');
  assert.equal(resolve(['widget/w1']), 'kubernetes/prod/namespaces/payments/example.com/widgets/w1.yaml');
  assert.equal(resolve(['aws', 'iam', 'policy', 'a*b']), 'aws/111122223333/global/iam/Policy/a*b.yaml');
  assert.equal(resolve(['aws', 'iam', 'policy', 'a-b']), 'aws/111122223333/global/iam/Policy/a-b.yaml');
  assert.throws(() => resolve(['aws', 'iam', 'policy', 'a?b']), /no recorded resource matches aws iam policy a\?b/);
  assert.throws(() => resolve(['aws:111122223333:iam/Policy/a?b']), NotFoundError, 'a key is looked up literally too');
  assert.throws(() => resolve(['aws:111122223333:iam/Policy/a*']), NotFoundError);
  assert.equal(resolve(['aws:111122223333:iam/Policy/a*b']), 'aws/111122223333/global/iam/Policy/a*b.yaml');
  assert.deepEqual(findPaths(`aws/*/${globLiteral('global/iam/Policy/a*b.yaml')}`), [
    'aws/111122223333/global/iam/Policy/a*b.yaml',
  ]);
  assert.deepEqual(
    findPaths('aws/*/global/iam/Policy/a?b.yaml'),
    ['aws/111122223333/global/iam/Policy/a*b.yaml', 'aws/111122223333/global/iam/Policy/a-b.yaml'],
    'unescaped, ? is any one character',
  );
});

test('GCP resources are named by path or key and resolve to the recorded path', () => {
  const bucket = 'gcp/shop-prod/global/storage/buckets/assets.yaml';
  assert.equal(resolve([bucket]), bucket);
  assert.equal(resolve(['gcp/shop-prod/global/storage/buckets/assets']), bucket);
  assert.equal(resolve([keyOfPath(bucket)]), bucket);
  const version = 'gcp/example.com%3Ashop/europe-west1/secretmanager/secrets/db/versions/3.yaml';
  assert.equal(keyOfPath(version), 'gcp:example.com%3Ashop:europe-west1:secretmanager/secrets/db/versions/3');
  assert.equal(resolve([keyOfPath(version)]), version);
  assert.throws(() => resolve(['gcp:shop-prod:global:storage/buckets/other']), NotFoundError);
  assert.equal(resolve(['gcp', 'storage', 'buckets', 'assets']), bucket);
  assert.equal(resolve(['gcp', 'secretmanager', 'versions', '3']), version);
  assert.throws(() => resolve(['gcp', 'storage', 'instances', 'assets']), NotFoundError);
  assert.throws(() => resolve(['gcp', 'storage', 'assets']), InvalidInputError);
});
