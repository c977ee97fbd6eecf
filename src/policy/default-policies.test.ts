// The shipped policies (policies/*.yaml) against a realistic scenario recorded by the real
// ingest pipeline: each policy has commits it must match and commits it must not.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runIngest } from '../ingest/run-ingest.ts';
import { IndexDb } from '../index/index-db.ts';
import { IndexQueries } from '../index/queries.ts';
import { RepositoryReader } from '../ledger/reader.ts';
import { DEFAULT_SENSITIVE_KEYS } from '../normalise/redact.ts';
import { createDocumentLoader } from '../notify/documents.ts';
import { assertGolden } from '../../test/helpers/golden.ts';
import { writeScenario } from './__fixtures__/scenario.ts';
import { evaluateCommit } from './evaluate.ts';
import { loadPolicies } from './load.ts';

const POLICIES = join(import.meta.dirname, '..', '..', 'policies');
/** Event id → policy → severity. */
const outcomes = new Map<string, Map<string, string>>();
let dir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitrail-policies-'));
  const problems: string[] = [];
  await runIngest({
    dataDir: join(dir, 'data'),
    paths: writeScenario(dir),
    cluster: 'prod',
    genericSource: 'events',
    redactionKey: Buffer.alloc(32, 7),
    sensitiveKeys: DEFAULT_SENSITIVE_KEYS,
    onProblem: (file, line, reason) => problems.push(`${file}:${line}: ${reason}`),
  });
  assert.deepEqual(problems, []);
  const { policies, problems: policyProblems } = loadPolicies(POLICIES);
  assert.deepEqual(policyProblems, []);
  const index = new IndexDb(join(dir, 'data', 'index.db'), { readOnly: true });
  const queries = new IndexQueries(index.db);
  const load = createDocumentLoader(new RepositoryReader(join(dir, 'data', 'repo.git')));
  for (const commit of queries.listCommits({ limit: 1000 }).commits) {
    const id = commit.trailers['Event-ID'] as string;
    const matches = await evaluateCommit(policies, commit, load);
    const byPolicy = outcomes.get(id) ?? new Map<string, string>();
    for (const match of matches) byPolicy.set(match.policy, match.severity);
    outcomes.set(id, byPolicy);
  }
  index.close();
});

after(() => rmSync(dir, { recursive: true, force: true }));

function expectPolicy(policy: string, must: Record<string, string>, mustNot: readonly string[]): void {
  for (const [id, severity] of Object.entries(must)) {
    assert.ok(outcomes.has(id), `scenario event ${id} was not recorded as a commit`);
    assert.equal(outcomes.get(id)?.get(policy), severity, `${policy} should match ${id} with severity ${severity}`);
  }
  for (const id of mustNot) {
    assert.ok(outcomes.has(id), `scenario event ${id} was not recorded as a commit`);
    assert.equal(outcomes.get(id)?.get(policy), undefined, `${policy} must not match ${id}`);
  }
}

test('iam-changes: IAM changes, critical for a new Action "*" statement; not denied attempts', () => {
  expectPolicy('iam-changes', { 'c-iam-create-role': 'high', 'c-iam-star-policy': 'critical' }, [
    'c-iam-denied',
    'c-user-bucket',
    'k-rbac-view',
  ]);
});

test('gcp-iam-changes: IAM policy changes, critical for a new owner; not denied attempts or other resources', () => {
  expectPolicy('gcp-iam-changes', { 'g-iam-viewer': 'high', 'g-iam-owner': 'critical' }, [
    'g-iam-denied',
    'g-bucket-create',
    'c-iam-create-role',
  ]);
});

test('kubernetes-rbac: RBAC changes, critical for a cluster-admin binding; not the aggregation controller', () => {
  expectPolicy('kubernetes-rbac', { 'k-rbac-cluster-admin': 'critical', 'k-rbac-view': 'high' }, [
    'k-rbac-aggregation',
    'k-app-config',
  ]);
});

test('security-group-open-to-world: a new world-open ingress rule, critical for SSH; not internal ranges', () => {
  expectPolicy('security-group-open-to-world', { 'c-sg-world-ssh': 'critical', 'c-sg-world-https': 'high' }, [
    'c-sg-internal',
  ]);
});

test('secret-changes: Secrets changed by people and Secrets Manager values; not token controllers', () => {
  expectPolicy('secret-changes', { 'k-secret-by-person': 'medium', 'c-secretsmanager-put': 'medium' }, [
    'k-secret-by-controller',
    'k-app-config',
  ]);
});

test(
  'audit-tampering: StopLogging (also denied), GCP sink deleted, admission webhooks, audit policy; ' +
    'not StartLogging',
  () => {
    expectPolicy(
      'audit-tampering',
      {
        'c-trail-stop': 'critical',
        'c-trail-stop-denied': 'critical',
        'k-admission-webhook': 'critical',
        'k-audit-policy': 'critical',
        'g-sink-delete': 'critical',
      },
      ['c-trail-start', 'k-app-config', 'k-kube-system-person', 'g-sink-create'],
    );
  },
);

test('root-account-activity: anything the root user does; not IAM users', () => {
  expectPolicy('root-account-activity', { 'c-root-bucket-policy': 'critical' }, ['c-user-bucket', 'c-login-no-mfa']);
});

test('console-signin-without-mfa: successful IAM user sign-in without MFA; not with MFA, SSO or failed', () => {
  expectPolicy('console-signin-without-mfa', { 'c-login-no-mfa': 'high' }, [
    'c-login-mfa',
    'c-login-sso',
    'c-login-failed',
  ]);
});

test('kube-system-by-people: people changing kube-system; not controllers', () => {
  expectPolicy('kube-system-by-people', { 'k-kube-system-person': 'high', 'k-audit-policy': 'high' }, [
    'k-kube-system-controller',
    'k-app-config',
  ]);
});

test('pod-exec: exec into a pod; not port-forward', () => {
  expectPolicy('pod-exec', { 'k-exec': 'medium' }, ['k-port-forward', 'k-app-config']);
});

test('the whole scenario matches as recorded in the golden file', () => {
  const lines = [...outcomes]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, byPolicy]) => {
      const list = [...byPolicy]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([policy, severity]) => `${policy}:${severity}`);
      return `${id}: ${list.join(' ') || '-'}`;
    });
  assertGolden(`${lines.join('\n')}\n`, join(import.meta.dirname, '__fixtures__', 'default-policies.golden.txt'));
});
