import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommitInput, DocumentPair } from './compile.ts';
import { evaluateCommit } from './evaluate.ts';
import { compilePolicies, parsePolicyText } from './load.ts';
import { matchPolicy, NEEDS_DOCUMENTS } from './match.ts';

function policies(text: string) {
  const problems: string[] = [];
  const compiled = compilePolicies(parsePolicyText('test.yaml', text, problems), problems);
  assert.deepEqual(problems, []);
  return compiled;
}

function commit(over: Partial<CommitInput> = {}): CommitInput {
  return {
    sha: 'a'.repeat(40),
    branch: 'main',
    parent: 'b'.repeat(40),
    time: Date.parse('2026-05-04T09:00:00Z'),
    author: { name: 'alice', email: 'alice@example.com' },
    subject: 'update',
    body: '',
    trailers: { Source: 'kubernetes-audit', Verb: 'update', 'Event-ID': 'e1' },
    changes: [
      { path: 'kubernetes/prod/namespaces/kube-system/core/configmaps/coredns.yaml', op: 'M', blob: 'c'.repeat(40) },
    ],
    ...over,
  };
}

test('all criteria of a matcher must hold for the same changed file; unless removes a file', () => {
  const [policy] = policies(`
name: ks
match: {branch: main, namespaces: kube-system, verbs: [update, patch]}
unless: {paths: "**/kube-root-ca.crt.yaml"}
channels: [sec]
`);
  assert.ok(policy);
  const both = commit({
    changes: [
      { path: 'kubernetes/prod/namespaces/kube-system/core/configmaps/kube-root-ca.crt.yaml', op: 'M', blob: null },
      { path: 'kubernetes/prod/namespaces/shop/core/configmaps/app.yaml', op: 'M', blob: null },
    ],
  });
  assert.equal(matchPolicy(policy, both), null);
  assert.deepEqual(matchPolicy(policy, commit()), {
    policy: 'ks',
    severity: 'medium',
    channels: ['sec'],
    paths: ['kubernetes/prod/namespaces/kube-system/core/configmaps/coredns.yaml'],
  });
  assert.equal(matchPolicy(policy, commit({ branch: 'activity' })), null);
  assert.equal(matchPolicy(policy, commit({ trailers: { Verb: 'delete' } })), null);
});

test('actor globs match the name or the email; text globs cross "/" in ARNs', () => {
  const [byActor, byPrincipal] = policies(`
name: people
match: {actors: "*@example.com"}
channels: [sec]
---
name: deployer
match: {trailers: {Principal: "arn:aws:sts::*:assumed-role/deployer/*"}}
channels: [sec]
`);
  assert.ok(byActor && byPrincipal);
  assert.notEqual(matchPolicy(byActor, commit()), null);
  assert.equal(
    matchPolicy(
      byActor,
      commit({ author: { name: 'system:kube-scheduler', email: 'system:kube-scheduler@kubernetes.invalid' } }),
    ),
    null,
  );
  assert.notEqual(
    matchPolicy(
      byPrincipal,
      commit({ trailers: { Principal: 'arn:aws:sts::111122223333:assumed-role/deployer/gh-actions-4711' } }),
    ),
    null,
  );
  assert.equal(
    matchPolicy(byPrincipal, commit({ trailers: { Principal: 'arn:aws:sts::111122223333:assumed-role/admin/x' } })),
    null,
  );
});

test('glob() in an expression matches like a text glob, across "/" in ARNs', () => {
  const [policy] = policies(`
name: deployer-expr
match: {expression: "glob(commit.trailers.Principal, 'arn:aws:sts::*:assumed-role/deployer/*')"}
channels: [sec]
`);
  assert.ok(policy);
  for (let i = 0; i < 3; i += 1) {
    assert.notEqual(
      matchPolicy(
        policy,
        commit({ trailers: { Principal: `arn:aws:sts::111122223333:assumed-role/deployer/run-${i}` } }),
        new Map(),
      ),
      null,
    );
    assert.equal(
      matchPolicy(
        policy,
        commit({ trailers: { Principal: 'arn:aws:sts::111122223333:assumed-role/admin/x' } }),
        new Map(),
      ),
      null,
    );
  }
});

test('an expression asks for the documents, only after the cheap criteria pass', () => {
  const [policy] = policies(`
name: admin
match: {resources: rbac.authorization.k8s.io/clusterrolebindings, expression: "after.roleRef.name == 'cluster-admin'"}
severity: high
escalate:
  - when: {actors: mallory}
    severity: critical
channels: [sec]
`);
  assert.ok(policy);
  const binding = commit({
    changes: [
      {
        path: 'kubernetes/prod/cluster/rbac.authorization.k8s.io/clusterrolebindings/ops.yaml',
        op: 'A',
        blob: 'd'.repeat(40),
      },
    ],
  });
  assert.equal(matchPolicy(policy, commit()), null, 'a ConfigMap is ruled out by its path');
  assert.equal(matchPolicy(policy, binding), NEEDS_DOCUMENTS);
  const docs = (name: string) =>
    new Map<string, DocumentPair>([
      [binding.changes[0]!.path, { before: null, after: { kind: 'ClusterRoleBinding', roleRef: { name } } }],
    ]);
  assert.equal(matchPolicy(policy, binding, docs('view')), null);
  const severity = (input: CommitInput) => {
    const result = matchPolicy(policy, input, docs('cluster-admin'));
    return result === null || result === NEEDS_DOCUMENTS ? result : result.severity;
  };
  assert.equal(severity(binding), 'high');
  assert.equal(severity({ ...binding, author: { name: 'mallory', email: 'm@x' } }), 'critical');
});

test('a missing key in an expression is no match, not an error', () => {
  const [policy] = policies(`match: {expression: "after.spec.replicas > 3"}\nchannels: [sec]\n`);
  assert.ok(policy);
  const docs = new Map<string, DocumentPair>([[commit().changes[0]!.path, { before: null, after: { data: {} } }]]);
  assert.equal(matchPolicy(policy, commit(), docs), null);
});

test('on activity, Kubernetes facts come from the recorded event', async () => {
  const [policy] = policies(`match: {branch: activity, resources: core/pods, namespaces: shop}\nchannels: [sec]\n`);
  assert.ok(policy);
  const exec = commit({
    branch: 'activity',
    changes: [{ path: 'activity/kubernetes/2026/05/04/09/e1.yaml', op: 'A', blob: 'e'.repeat(40) }],
  });
  let loads = 0;
  const load = async () => {
    loads += 1;
    return new Map<string, DocumentPair>([
      [
        exec.changes[0]!.path,
        { before: null, after: { objectRef: { resource: 'pods', namespace: 'shop', subresource: 'exec' } } },
      ],
    ]);
  };
  assert.equal((await evaluateCommit([policy, policy], exec, load)).length, 2);
  assert.equal(loads, 1, 'documents are read once per commit');
});

test('a disabled policy never matches', () => {
  const [policy] = policies(`enabled: false\nmatch: {branch: main}\nchannels: [sec]\n`);
  assert.ok(policy);
  assert.equal(matchPolicy(policy, commit()), null);
});
