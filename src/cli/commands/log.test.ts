import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { captureIo } from '../../../test/helpers/capture-io.ts';
import { git } from '../../../test/helpers/git.ts';
import { assertGolden } from '../../../test/helpers/golden.ts';
import { buildInvestigateData } from '../../../test/helpers/investigate-data.ts';
import { runCli } from '../main.ts';

const GOLDEN = join(import.meta.dirname, '__golden__');
let data = '';
let gitdir = '';

before(async () => {
  data = mkdtempSync(join(tmpdir(), 'gitrail-log-'));
  process.on('exit', () => rmSync(data, { recursive: true, force: true }));
  gitdir = await buildInvestigateData(data, { corpus: false });
});

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo(env);
  const code = await runCli(['log', ...args, '--data', data], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('log: one line per change of one resource, newest first, with author, time and what changed (golden)', async () => {
  const deploy = await run(['deploy/web', '--cluster', 'default', '-n', 'shop']);
  assert.equal(deploy.code, 0, deploy.stderr);
  assertGolden(deploy.stdout, join(GOLDEN, 'log-deployment-web.txt'));
  const lines = deploy.stdout.trim().split('\n');
  const path = 'kubernetes/default/namespaces/shop/apps/deployments/web.yaml';
  assert.deepEqual(lines.map((line) => line.slice(0, 7)), git(gitdir, 'log', '--format=%h', '--abbrev=7', 'main', '--', path).trim().split('\n'));
  assert.match(lines[0] as string, /^[0-9a-f]{7} {2}2026-03-02T01:30:01Z {2}carol@example.com {2}delete {2}deleted$/);
  assert.match(lines[1] as string, /ci-bot {13}patch {3}spec.replicas 2→5$/);
  assert.match(lines[2] as string, /bob@example.com {4}patch {3}containers\[web\].image registry.example.com\/web:1.26→1.27$/);
  const role = await run(['aws', 'iam', 'roles', 'payments-authorize', '-o', 'table']);
  assertGolden(role.stdout, join(GOLDEN, 'log-iam-role.table.txt'));
  assert.match(role.stdout, /iam:PutRolePolicy +bob@example.com +2026-03-09T02:05:00Z +Statement\[0\].Action \+dynamodb:Query -dynamodb:GetItem/);
});

test('log by key and by path gives the same history; --limit keeps the newest', async () => {
  const byKey = await run(['prod:payments/deployment/api']);
  const byPath = await run(['kubernetes/prod/namespaces/payments/apps/deployments/api.yaml']);
  assert.equal(byKey.stdout, byPath.stdout);
  assert.equal(byKey.stdout.trim().split('\n').length, 3);
  const newest = await run(['prod:payments/deployment/api', '--limit', '1']);
  const squeeze = (text: string) => text.replace(/ +/g, ' ');
  assert.equal(squeeze(newest.stdout), squeeze(`${byKey.stdout.split('\n')[0]}\n`));
  const diff = await run(['cm', 'api-config', '-n', 'payments', '-o', 'diff', '--limit', '1']);
  assert.match(diff.stdout, /^commit [0-9a-f]{40}\nResource: prod:payments\/configmap\/api-config\n/);
  assert.match(diff.stdout, /\n-  LOG_LEVEL: info\n\+  LOG_LEVEL: debug\n/);
});

test('log fits the summary to the terminal width', async () => {
  const narrow = await run(['deploy/web', '--cluster', 'default'], { COLUMNS: '70' });
  for (const line of narrow.stdout.trim().split('\n')) assert.ok([...line].length <= 70, line);
  assert.match(narrow.stdout, /…\n/);
});

test('log of an unknown or ambiguous resource exits 1', async () => {
  const ambiguous = await run(['deployment', 'api']);
  assert.equal(ambiguous.code, 1);
  assert.match(ambiguous.stderr, /^gitrail log: deployment api is ambiguous, 2 resources match:\n {2}prod:payments\/deployment\/api\n {2}staging:payments\/deployment\/api\n/);
  const unknown = await run(['aws', 'iam', 'role', 'nobody']);
  assert.deepEqual([unknown.code, unknown.stderr], [1, 'gitrail log: no recorded resource matches aws iam role nobody\n']);
  const malformed = await run(['web']);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /cannot read resource reference 'web': expected TYPE\/NAME/);
});
