import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { captureIo } from '../../../test/helpers/capture-io.ts';
import { git } from '../../../test/helpers/git.ts';
import { assertGolden } from '../../../test/helpers/golden.ts';
import { buildInvestigateData, INVESTIGATE_NOW } from '../../../test/helpers/investigate-data.ts';
import { textWidth } from '../../investigate/table.ts';
import { runCli } from '../main.ts';
import { createChangesCommand } from './changes.ts';

const GOLDEN = join(import.meta.dirname, '__golden__');
const changes = createChangesCommand({ now: () => INVESTIGATE_NOW });
let data = '';
let gitdir = '';

before(async () => {
  data = mkdtempSync(join(tmpdir(), 'gitrail-changes-'));
  process.on('exit', () => rmSync(data, { recursive: true, force: true }));
  gitdir = await buildInvestigateData(data);
});

async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo(env);
  const code = await changes([...args, '--data', data], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

async function records(args: string[]): Promise<Array<Record<string, unknown>>> {
  const { code, stdout, stderr } = await run([...args, '-o', 'json']);
  assert.equal(code, 0, stderr);
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('table: the whole timeline of main, newest first, one row per change (golden)', async () => {
  const { code, stdout } = await run([]);
  assert.equal(code, 0);
  assertGolden(stdout, join(GOLDEN, 'changes-all.table.txt'));
  const rows = stdout
    .split('\n')
    .filter((line) => /^\S/.test(line))
    .slice(1);
  assert.equal(rows.length, Number(git(gitdir, 'rev-list', '--count', 'main').trim()), 'one row per commit on main');
});

test('table fitted to COLUMNS: no line wider than the terminal (golden)', async () => {
  for (const columns of [80, 120]) {
    const { stdout } = await run(['--since', '2026-03-09T01:30Z', '--until', '2026-03-09T02:30Z'], {
      COLUMNS: String(columns),
    });
    assertGolden(stdout, join(GOLDEN, `changes-incident.table-${columns}.txt`));
    for (const line of stdout.split('\n'))
      assert.ok(textWidth(line) <= columns, `${textWidth(line)} > ${columns}: ${line}`);
  }
});

test('--around picks exactly the changes in its window, across Kubernetes and AWS', async () => {
  const { stdout } = await run(['--around', '02:00', '--window', '15m', '-o', 'json']);
  assertGolden(stdout, join(GOLDEN, 'changes-around.json.txt'));
  const picked = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { time: string; key: string });
  assert.deepEqual(
    picked.map((record) => `${record.time} ${record.key}`),
    [
      '2026-03-09T02:14:59Z staging:payments/deployment/api',
      '2026-03-09T02:05:00Z aws:111122223333:iam/Role/payments-authorize',
      '2026-03-09T02:01:30Z aws:111122223333:iam/Role/payments-authorize',
      '2026-03-09T01:58:30Z prod:payments/configmap/api-config',
      '2026-03-09T01:52:10Z prod:payments/deployment/api',
      '2026-03-09T01:50:00Z staging:payments/deployment/api',
      '2026-03-09T01:45:00Z aws:111122223333:iam/Role/payments-authorize',
    ],
  );
  // The same answer from git itself: every main commit whose author date is in [01:45, 02:15].
  const [from, to] = [Date.parse('2026-03-09T01:45:00Z') / 1000, Date.parse('2026-03-09T02:15:00Z') / 1000];
  const fromGit = git(gitdir, 'log', '--format=%H %at', 'main')
    .trim()
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([, at]) => Number(at) >= from && Number(at) <= to)
    .map(([sha]) => sha);
  assert.deepEqual(picked.map((record) => (record as unknown as { sha: string }).sha).sort(), fromGit.sort());
  // Edges: 01:44:59 and 02:15:01 (AWS), 01:40:05 and 02:20:00 (Kubernetes) stay out.
  assert.ok(!stdout.includes('01:44:59') && !stdout.includes('02:15:01') && !stdout.includes('02:20:00'));
});

test('--activity adds denied requests and sign-ins to the timeline (golden)', async () => {
  const { stdout } = await run(['--around', '2026-03-09T02:00:00Z', '--window', '15m', '--activity']);
  assertGolden(stdout, join(GOLDEN, 'changes-around-activity.table.txt'));
  assert.match(
    stdout,
    /prod:secrets payments\/api-token\s+delete\s+mallory@example.com\s+2026-03-09T02:06:00Z\s+denied \(403\)/,
  );
  assert.match(
    stdout,
    new RegExp(
      String.raw`\n[0-9a-f]{7}  aws:111122223333:Role payments-authorize +iam:AttachRolePolicy ` +
        String.raw`+mallory@example.com +2026-03-09T02:03:10Z +denied \(AccessDenied\)\n`,
    ),
  );
});

test('patch, diff and line formats (golden)', async () => {
  const patch = await run(['--since', '2026-03-09T01:50Z', '--until', '2026-03-09T02:30Z', '-o', 'patch']);
  assertGolden(patch.stdout, join(GOLDEN, 'changes-incident.patch.txt'));
  assert.match(
    patch.stdout,
    new RegExp(
      String.raw`aws:111122223333:iam\/Role\/payments-authorize {2}iam:PutRolePolicy {2}bob@example.com ` +
        String.raw`{2}2026-03-09T02:05:00Z {2}[0-9a-f]{7}\n {2}replace \/calls\/PutRolePolicy\/eventID `,
    ),
  );
  const diff = await run(['--path', 'kubernetes/prod/**', '-o', 'diff']);
  assertGolden(diff.stdout, join(GOLDEN, 'changes-prod.diff.txt'));
  assert.match(
    diff.stdout,
    new RegExp(
      String.raw`\n@@ -5,11 \+5,11 @@ metadata:\n {3}namespace: payments\n {3}uid: ` +
        String.raw`c0f1c0f1-0000-4000-8000-000000000001\n data:\n- {2}LOG_LEVEL: info\n\+ {2}LOG_LEVEL: ` +
        String.raw`debug\n {3}application.yaml: \|\n`,
    ),
  );
  // Every change's diff, from its `diff --git` line on, is what `git log -p` prints for that commit.
  const everything = await run(['-o', 'diff']);
  const byCommit = (text: string) =>
    new Map(
      text
        .split(/^commit /m)
        .slice(1)
        .map((part) => [part.slice(0, 40), part.slice(part.indexOf('\ndiff --git ') + 1).trimEnd()]),
    );
  const mine = byCommit(everything.stdout);
  const fromGit = byCommit(git(gitdir, 'log', '-p', '--format=commit %H', '--no-color', 'main'));
  assert.equal(mine.size, fromGit.size);
  for (const [sha, text] of fromGit) assert.equal(mine.get(sha), text, `diff of ${sha}`);
  const corpusPatch = await run(['--account', '123456789012', '--limit', '12', '-o', 'patch']);
  assertGolden(corpusPatch.stdout, join(GOLDEN, 'changes-corpus-account.patch.txt'));
  const line = await run(['--cluster', 'corpus', '--limit', '25', '-o', 'line']);
  assertGolden(line.stdout, join(GOLDEN, 'changes-corpus-cluster.line.txt'));
  assert.equal(line.stdout.trim().split('\n').length, 25);
});

test('json records carry key, author, summary and a JSON patch that rebuilds the document', async () => {
  const [scale] = await records(['--cluster', 'prod', '--author', 'ci-*']);
  assert.deepEqual(
    {
      key: scale?.['key'],
      operation: scale?.['operation'],
      change: scale?.['change'],
      author: scale?.['author'],
      summary: scale?.['summary'],
      patch: scale?.['patch'],
    },
    {
      key: 'prod:payments/deployment/api',
      operation: 'patch',
      change: 'update',
      author: { name: 'ci-bot', email: 'ci-bot@kubernetes.invalid' },
      summary: ['spec.replicas 3→6'],
      patch: [{ op: 'replace', path: '/spec/replicas', value: 6 }],
    },
  );
});

test('filters: author, source, cluster and namespace, account; scopes of two sources add up', async () => {
  const keys = async (args: string[]) => (await records(args)).map((record) => `${record['time']} ${record['key']}`);
  assert.deepEqual(await keys(['--author', 'bob', '--since', '2026-03-09']), [
    '2026-03-09T02:05:00Z aws:111122223333:iam/Role/payments-authorize',
    '2026-03-09T02:01:30Z aws:111122223333:iam/Role/payments-authorize',
    '2026-03-09T01:58:30Z prod:payments/configmap/api-config',
    '2026-03-09T01:52:10Z prod:payments/deployment/api',
  ]);
  assert.deepEqual(await keys(['-n', 'payments', '--context', 'staging']), [
    '2026-03-09T02:14:59Z staging:payments/deployment/api',
    '2026-03-09T01:50:00Z staging:payments/deployment/api',
  ]);
  const both = await keys(['--cluster', 'staging', '--account', '111122223333', '--since', '2026-03-09T01:00Z']);
  assert.deepEqual(both, [
    '2026-03-09T02:15:01Z aws:111122223333:eu-west-1:lambda/Function/payments-authorize',
    '2026-03-09T02:14:59Z staging:payments/deployment/api',
    '2026-03-09T02:05:00Z aws:111122223333:iam/Role/payments-authorize',
    '2026-03-09T02:01:30Z aws:111122223333:iam/Role/payments-authorize',
    '2026-03-09T01:50:00Z staging:payments/deployment/api',
    '2026-03-09T01:45:00Z aws:111122223333:iam/Role/payments-authorize',
    '2026-03-09T01:44:59Z aws:111122223333:eu-west-1:lambda/Function/payments-authorize',
  ]);
  assert.deepEqual(await keys(['--account', '111122223333', '--region', 'eu-west-1', '--since', '2026-03-09']), [
    '2026-03-09T02:15:01Z aws:111122223333:eu-west-1:lambda/Function/payments-authorize',
    '2026-03-09T01:44:59Z aws:111122223333:eu-west-1:lambda/Function/payments-authorize',
  ]);
  assert.deepEqual(await keys(['--account', '111122223333', '--region', 'global', '--since', '2026-03-09']), [
    '2026-03-09T02:05:00Z aws:111122223333:iam/Role/payments-authorize',
    '2026-03-09T02:01:30Z aws:111122223333:iam/Role/payments-authorize',
    '2026-03-09T01:45:00Z aws:111122223333:iam/Role/payments-authorize',
  ]);
  const cloudtrail = await records(['--source', 'cloudtrail', '--region', 'eu-west-1', '--since', '2026-03-09']);
  assert.deepEqual(
    cloudtrail.map((record) => record['summary']),
    [['timeout 10→30'], ['created']],
  );
  const paths = await records([
    '--path',
    'aws/*/global/iam/Role/**',
    '--path',
    'custom/events',
    '--since',
    '2026-03-02',
    '--until',
    '2026-03-03',
  ]);
  assert.deepEqual(
    new Set(paths.map((record) => (record['path'] as string).split('/').slice(0, 2).join('/'))),
    new Set(['aws/111122223333', 'custom/events']),
  );
});

test('relative times count from the injected now: --since 1h, --since yesterday', async () => {
  const lastHour = await records(['--since', '1h', '--cluster', 'prod']);
  assert.deepEqual(
    lastHour.map((record) => record['time']),
    ['2026-03-09T02:20:00Z'],
  );
  const sinceYesterday = await records(['--since', 'yesterday', '--until', '2026-03-09T01:41:00Z']);
  assert.deepEqual(
    sinceYesterday.map((record) => record['key']),
    ['prod:payments/configmap/api-config', 'prod:payments/deployment/api'],
  );
});

test('bad input: a bad time is exit 1 naming it; bad options exit 2; nothing found is said on stderr', async () => {
  const io = captureIo();
  assert.equal(await runCli(['changes', '--data', data, '--since', 'last tuesday'], io.io), 1);
  assert.match(io.stderr(), /^gitrail changes: bad --since 'last tuesday': expected an ISO-8601 time/);
  assert.equal(io.stdout(), '');
  const around = captureIo();
  assert.equal(await runCli(['changes', '--data', data, '--around', '02:00', '--since', '1h'], around.io), 2);
  assert.match(around.stderr(), /--around cannot be combined with --since or --until/);
  const format = captureIo();
  assert.equal(await runCli(['changes', '--data', data, '-o', 'yaml'], format.io), 2);
  assert.match(format.stderr(), /unknown format 'yaml'/);
  const reversed = captureIo();
  assert.equal(
    await runCli(
      ['changes', '--data', data, '--since', '2026-03-09T02:00Z', '--until', '2026-03-09T01:00Z'],
      reversed.io,
    ),
    1,
  );
  assert.equal(
    reversed.stderr(),
    'gitrail changes: --since 2026-03-09T02:00:00Z is after --until 2026-03-09T01:00:00Z\n',
  );
  const none = await run(['--author', 'nobody-at-all']);
  assert.deepEqual([none.code, none.stdout, none.stderr], [0, '', 'no changes match\n']);
  const missing = captureIo();
  assert.equal(await runCli(['changes', '--data', join(data, 'nope')], missing.io), 1);
  assert.match(missing.stderr(), /no gitrail data folder at .*nope \(it needs repo.git and index.db\)/);
});

test('every table row starts with its commit, which git shows touching that resource', async () => {
  const { code, stdout } = await run(['--since', '2026-03-09T01:00:00Z']);
  assert.equal(code, 0);
  const [header, ...rows] = stdout.trim().split('\n');
  assert.match(header ?? '', /^COMMIT +KEY +OPERATION +AUTHOR +TIME +SUMMARY$/);
  assert.ok(rows.length > 5);
  const byKey = new Map((await records(['--since', '2026-03-09T01:00:00Z'])).map((r) => [r['key'], r['path']]));
  // A summary of several lines continues under its row, with the other columns blank.
  for (const row of rows.filter((line) => !line.startsWith(' '))) {
    const [sha, key] = row.split(/ {2,}/) as [string, string];
    assert.match(sha, /^[0-9a-f]{7}$/);
    const touched = git(gitdir, 'show', '--name-only', '--format=', sha).trim().split('\n');
    assert.ok(touched.includes(String(byKey.get(key))), `${sha} touches ${key}`);
  }
});

test('--window has its own help line, and needs --around', async () => {
  const help = captureIo();
  assert.equal(await changes(['--help'], help.io), 0);
  assert.match(
    help.stdout(),
    /\n {2}--window D {13}with --around: how far either side of T \(default 30m; 90s, 2h, 1d\)\n/,
  );
  const alone = captureIo();
  assert.equal(await runCli(['changes', '--window', '10m', '--data', data], alone.io), 2);
  assert.equal(alone.stderr(), 'gitrail changes: --window needs --around\n');
});
