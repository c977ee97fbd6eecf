import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../../../test/helpers/cli.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { writeScenario } from '../../policy/__fixtures__/scenario.ts';

const POLICIES = join(import.meta.dirname, '..', '..', '..', 'policies');

test('policy test replays history through the shipped policies, oldest first, sending nothing', (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  assert.equal(gitrail(['ingest', '--data', data, '--cluster', 'prod', ...writeScenario(dir)]).status, 0);
  const run = gitrail([
    'policy',
    'test',
    '--data',
    data,
    '--policies',
    POLICIES,
    '--policy',
    'kubernetes-rbac',
    '--policy',
    'pod-exec',
  ]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    run.stdout.split('\n').filter((line) => line.startsWith('    ')),
    [
      '    kubernetes-rbac [critical] → security',
      '    kubernetes-rbac [high] → security',
      '    pod-exec [medium] → security',
    ],
  );
  assert.match(
    run.stdout,
    new RegExp(
      String.raw`alice@example.com: create rbac.authorization.k8s.io\/clusterrolebindings ops-admin\n    ` +
        String.raw`kubernetes-rbac \[critical\]`,
    ),
  );
  assert.match(
    run.stderr,
    /^policy test: 34 commits replayed, 3 would notify \(kubernetes-rbac 2, pod-exec 1\); nothing was sent\n$/,
  );

  const json = gitrail([
    'policy',
    'test',
    '--data',
    data,
    '--policies',
    POLICIES,
    '--since',
    '2026-05-04T09:27:00Z',
    '--json',
  ]);
  const lines = json.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { time: string; matches: Array<{ policy: string }> });
  assert.ok(lines.length > 0 && lines.every((line) => line.time >= '2026-05-04T09:27:00Z'));
});

test('policy test shows when a silence would have held a match back', (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  gitrail(['ingest', '--data', data, '--cluster', 'prod', ...writeScenario(dir)]);
  const policies = join(dir, 'policies');
  mkdirSync(policies);
  writeFileSync(
    join(policies, 'exec.yaml'),
    'match: {trailers: {Subresource: exec}}\nchannels: [pager]\nnoise: {silences: [{until: ' +
      '"2030-01-01T00:00:00Z", reason: "game day", actors: "bob@*"}]}\n',
  );
  const run = gitrail(['policy', 'test', '--data', data, '--policies', policies]);
  assert.match(run.stdout, /    exec \[medium\] → pager \(silenced until 2030-01-01T00:00:00Z: game day\)\n/);
});

test('bad policies, unknown names and bad times are clear errors', (t) => {
  const dir = tempDir(t);
  const policies = join(dir, 'policies');
  mkdirSync(policies);
  writeFileSync(join(policies, 'broken.yaml'), 'match: {verbs: x}\n');
  const broken = gitrail(['policy', 'test', '--data', dir, '--policies', policies]);
  assert.equal(broken.status, 2);
  assert.equal(
    broken.stderr,
    `gitrail policy: ${join(policies, 'broken.yaml')}: channels: Invalid input: expected array, received undefined\n`,
  );
  const unknown = gitrail(['policy', 'test', '--data', dir, '--policies', POLICIES, '--policy', 'nope']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no policy named nope in .*policies \(audit-tampering, /);
  const when = gitrail(['policy', 'test', '--data', dir, '--policies', POLICIES, '--since', 'last week']);
  assert.match(when.stderr, /bad --since 'last week': expected an ISO-8601 time/);
  const empty = gitrail(['policy', 'test', '--data', join(dir, 'none'), '--policies', POLICIES]);
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /no recorded history in/);
});
