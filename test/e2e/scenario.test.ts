// The scenario of issue 2, end to end through the real CLI and checked with the real git CLI:
// examples/ holds a Deployment's life (create, patch, scale subresource, delete), a ConfigMap
// edited on one line, a Secret at RequestResponse level, impersonation, a denied request, a
// Metadata-level update, exec, a late event, a duplicated line, and CloudTrail calls by an SSO
// user, a source identity, an IAM user, root, a service, an AccessDenied failure and a read.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsckStrict, git } from '../helpers/git.ts';
import { gitrail } from '../helpers/cli.ts';
import { assertNoSecrets } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const DEPLOYMENT = 'kubernetes/prod/namespaces/shop/apps/deployments/web.yaml';
const CONFIGMAP = 'kubernetes/prod/namespaces/shop/core/configmaps/nginx.yaml';
const SECRET = 'kubernetes/prod/namespaces/shop/core/secrets/db-credentials.yaml';

function ingest(data: string, ...args: string[]): Record<string, number> {
  const run = gitrail(['ingest', '--data', data, '--json', ...args]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as Record<string, number>;
}

test('the scenario, as git sees it', (t) => {
  const data = tempDir(t);
  const gitdir = join(data, 'repo.git');
  assert.deepEqual(ingest(data, '--cluster', 'prod', join(EXAMPLES, 'kubernetes-audit.ndjson')), {
    read: 14,
    committed: 9,
    unchanged: 0,
    duplicates: 1,
    ignored: 1,
    rejected: 0,
    activity: 3,
  });
  assert.deepEqual(
    ingest(data, '--source', 'flags', join(EXAMPLES, 'cloudtrail'), join(EXAMPLES, 'generic-events.ndjson')),
    {
      read: 12,
      committed: 9,
      unchanged: 0,
      duplicates: 0,
      ignored: 1,
      rejected: 0,
      activity: 2,
    },
  );
  fsckStrict(gitdir);
  const log = (...args: string[]) =>
    git(gitdir, 'log', ...args)
      .trim()
      .split('\n');

  // The Deployment: created by alice, patched by bob, scaled by ci-bot, deleted by carol.
  assert.deepEqual(log('--format=%an|%s', 'main', '--', DEPLOYMENT), [
    'carol@example.com|delete apps/deployments shop/web',
    'ci-bot|patch apps/deployments/scale shop/web',
    'bob@example.com|patch apps/deployments shop/web',
    'alice@example.com|create apps/deployments shop/web',
  ]);
  const [deleted, scaled, patched] = log('--format=%H', 'main', '--', DEPLOYMENT);
  const afterScale = git(gitdir, 'show', `${scaled}:${DEPLOYMENT}`);
  assert.match(afterScale, /^kind: Deployment$/m, 'a Scale never replaces the Deployment');
  assert.match(afterScale, /replicas: 5/);
  assert.match(afterScale, /image: registry\.example\.com\/web:1\.27/);
  assert.doesNotMatch(afterScale, /managedFields|resourceVersion|last-applied|^status:/m);
  assert.match(git(gitdir, 'show', '--format=%b', '--no-patch', scaled as string), /^spec\.replicas: 2 → 5$/m);
  assert.match(
    git(gitdir, 'show', '--format=%b', '--no-patch', patched as string),
    /containers\[web\]\.image: registry\.example\.com\/web:1\.26 → registry\.example\.com\/web:1\.27/,
  );
  assert.equal(git(gitdir, 'ls-tree', '--name-only', 'main', '--', DEPLOYMENT).trim(), '', 'deleted at HEAD');
  assert.match(git(gitdir, 'show', '--format=%an%n%B', '--no-patch', deleted as string), /^carol@example\.com\n/);

  // The ConfigMap: blame names dave on the line he changed and alice on every other line; bob's
  // older edit arrived late and went to activity without rolling the file back.
  const blame = git(gitdir, 'blame', '--line-porcelain', 'main', '--', CONFIGMAP).split('\n');
  const lines: Array<[string, string]> = [];
  let author = '';
  for (const line of blame) {
    if (line.startsWith('author ')) author = line.slice(7);
    if (line.startsWith('\t')) lines.push([author, line.slice(1)]);
  }
  assert.deepEqual(
    lines.filter(([who]) => who === 'dave@example.com').map(([, text]) => text),
    ['    worker_processes 4;'],
  );
  assert.ok(lines.filter(([who]) => who !== 'dave@example.com').every(([who]) => who === 'alice@example.com'));
  assert.ok(lines.length > 15);
  const late = git(gitdir, 'log', '-1', '--format=%an%n%B', '--grep=^late:', 'activity');
  assert.match(late, /^bob@example\.com\nlate: update configmaps shop\/nginx/);
  assert.match(late, /Late: true\nResource-Path: kubernetes\/prod\/namespaces\/shop\/core\/configmaps\/nginx\.yaml/);

  // The Secret: a rotation shows as a change, the values never reach git or the data folder.
  assert.deepEqual(log('--format=%an', 'main', '--', SECRET), ['erin@example.com', 'alice@example.com']);
  const secretDiff = git(gitdir, 'log', '-p', '-1', '--format=', 'main', '--', SECRET);
  assert.match(secretDiff, /^-  password: hmac-sha256:[0-9a-f]{64}$/m);
  assert.match(secretDiff, /^\+  password: hmac-sha256:[0-9a-f]{64}$/m);
  assertNoSecrets(data, ['hunter2-Plaintext!', 'Rotated-S3cret#2026']);

  // Impersonation: the author is who authenticated; the impersonated identity is a trailer.
  const binding = git(
    gitdir,
    'log',
    '-1',
    '--format=%an%n%B',
    'main',
    '--',
    'kubernetes/prod/namespaces/shop/rbac.authorization.k8s.io/rolebindings/deployers.yaml',
  );
  assert.match(binding, /^frank@example\.com\n/);
  assert.match(binding, /^Impersonated-User: system:serviceaccount:ci:deployer$/m);

  // Denied request, exec, AccessDenied and a console sign-in are on activity with their actors.
  assert.deepEqual(log('--format=%an|%s', 'activity'), [
    'alice|signin:ConsoleLogin (Success)',
    'mallory|iam:CreateUser User backdoor (AccessDenied)',
    'bob@example.com|late: update configmaps shop/nginx',
    'bob@example.com|create pods/exec shop/web-7d4b9c-x2x9z (101)',
    'mallory@example.com|delete secrets kube-system/bootstrap-token-abcdef (403)',
  ]);
  // The Metadata-level update carried no object: nothing was committed for it.
  assert.equal(
    git(
      gitdir,
      'log',
      '--all',
      '--format=%H',
      '--',
      'kubernetes/prod/namespaces/shop/core/configmaps/feature-flags.yaml',
    ).trim(),
    '',
  );

  // CloudTrail: the person behind each call, never the role.
  const aws = (path: string) =>
    git(gitdir, 'log', '--format=%an|%s|%(trailers:key=Role,valueonly,separator=)', 'main', '--', path).trim();
  assert.equal(
    aws('aws/111122223333/global/iam/Role/deploy.yaml'),
    'bob@example.com|iam:PutRolePolicy Role deploy|deployer\nalice@example.com|iam:CreateRole Role ' +
      'deploy|AWSReservedSSO_AdministratorAccess_0123456789abcdef',
  );
  assert.equal(
    aws('aws/111122223333/eu-west-1/ec2/SecurityGroup/sg-0123456789abcdef0.yaml'),
    'ci-user|ec2:AuthorizeSecurityGroupIngress SecurityGroup sg-0123456789abcdef0|',
  );
  assert.equal(
    aws('aws/111122223333/eu-west-1/s3/Bucket/shop-assets.yaml'),
    'root|s3:PutBucketPolicy Bucket shop-assets|',
  );
  assert.equal(
    aws('aws/111122223333/eu-west-1/ec2/Instance/i-0fedcba9876543210.yaml'),
    'autoscaling.amazonaws.com|ec2:CreateTags Instance i-0fedcba9876543210|',
  );
  const role = git(gitdir, 'show', 'main:aws/111122223333/global/iam/Role/deploy.yaml');
  assert.match(
    role,
    /inlinePolicies:\n    everything:\n      Statement:\n        - Action: '\*'/,
    'policy documents are decoded into YAML',
  );
  assert.doesNotMatch(
    git(gitdir, 'log', '--all', '--format=%s'),
    /DescribeInstances/,
    'read-only calls are not recorded',
  );

  // Generic events: a full object, then field changes patching it.
  assert.equal(
    git(gitdir, 'show', 'main:custom/flags/feature-flags/checkout.yaml'),
    'maxCartItems: 80\nnewCheckout: true\nregions:\n  - eu\n  - us\n',
  );

  // Idempotent: the same input again writes nothing.
  const before = git(gitdir, 'rev-parse', 'main', 'activity');
  const again = ingest(data, '--cluster', 'prod', join(EXAMPLES, 'kubernetes-audit.ndjson'));
  assert.equal(again['committed'], 0);
  assert.equal(again['activity'], 0);
  assert.equal(git(gitdir, 'rev-parse', 'main', 'activity'), before);
});
