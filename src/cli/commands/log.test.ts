import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { captureIo } from '../../../test/helpers/capture-io.ts';
import { git } from '../../../test/helpers/git.ts';
import { assertGolden } from '../../../test/helpers/golden.ts';
import { buildInvestigateData } from '../../../test/helpers/investigate-data.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { IndexDb, type IndexedCommit } from '../../index/index-db.ts';
import { runCli } from '../main.ts';

const GOLDEN = join(import.meta.dirname, '__golden__');
let data = '';
let gitdir = '';

before(async () => {
  data = mkdtempSync(join(tmpdir(), 'gitrail-log-'));
  process.on('exit', () => rmSync(data, { recursive: true, force: true }));
  gitdir = await buildInvestigateData(data, { corpus: false });
});

async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo(env);
  const code = await runCli(['log', ...args, '--data', data], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test(
  'log: one line per change of one resource, newest first, ' + 'with author, time and what changed (golden)',
  async () => {
    const deploy = await run(['deploy/web', '--cluster', 'default', '-n', 'shop']);
    assert.equal(deploy.code, 0, deploy.stderr);
    assertGolden(deploy.stdout, join(GOLDEN, 'log-deployment-web.txt'));
    const lines = deploy.stdout.trim().split('\n');
    const path = 'kubernetes/default/namespaces/shop/apps/deployments/web.yaml';
    assert.deepEqual(
      lines.map((line) => line.slice(0, 7)),
      git(gitdir, 'log', '--format=%h', '--abbrev=7', 'main', '--', path).trim().split('\n'),
    );
    assert.match(lines[0] as string, /^[0-9a-f]{7} {2}2026-03-02T01:30:01Z {2}carol@example.com {2}delete {2}deleted$/);
    assert.match(lines[1] as string, /ci-bot {13}patch {3}spec.replicas 2→5$/);
    assert.match(
      lines[2] as string,
      /bob@example.com {4}patch {3}containers\[web\].image registry.example.com\/web:1.26→1.27$/,
    );
    const role = await run(['aws', 'iam', 'roles', 'payments-authorize', '-o', 'table']);
    assertGolden(role.stdout, join(GOLDEN, 'log-iam-role.table.txt'));
    assert.match(
      role.stdout,
      new RegExp(
        String.raw`iam:PutRolePolicy +bob@example.com +2026-03-09T02:05:00Z +Statement\[0\].Action ` +
          String.raw`\+dynamodb:Query -dynamodb:GetItem`,
      ),
    );
  },
);

test(
  'log and show say a generic event author is claimed, in every text format; ' + 'git log --author finds them',
  async () => {
    const ref = ['custom', 'events', 'feature-flags/checkout'];
    const line = await run(ref);
    assert.equal(line.code, 0, line.stderr);
    const lines = line.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    for (const text of lines) assert.match(text, /^[0-9a-f]{7} {2}\S+ {2}gina@example.com \(claimed\) {2}/);
    assert.match((await run([...ref, '-o', 'table'])).stdout, /gina@example.com \(claimed\)/);
    assert.match((await run([...ref, '-o', 'diff'])).stdout, /Author: gina@example.com <gina@example.com> \(claimed\)/);
    const shown = captureIo();
    assert.equal(await runCli(['show', ...ref, '--data', data], shown.io), 0);
    assert.match(shown.stdout(), /^# last changed \S+ by gina@example.com \(claimed\) in [0-9a-f]{7}: /m);
    assert.deepEqual(
      git(gitdir, 'log', '--author=gina@example.com', '--format=%(trailers:key=Attribution,valueonly)', 'main')
        .split('\n')
        .filter(Boolean),
      ['claimed', 'claimed'],
    );
    // A Kubernetes author, known exactly, is shown as is.
    assert.doesNotMatch((await run(['deploy/web', '--cluster', 'default', '-n', 'shop'])).stdout, /claimed/);
  },
);

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
  assert.match(
    ambiguous.stderr,
    new RegExp(
      String.raw`^gitrail log: deployment api is ambiguous, 2 resources match:\n ` +
        String.raw`{2}prod:payments\/deployment\/api\n {2}staging:payments\/deployment\/api\n`,
    ),
  );
  const unknown = await run(['aws', 'iam', 'role', 'nobody']);
  assert.deepEqual(
    [unknown.code, unknown.stderr],
    [1, 'gitrail log: no recorded resource matches aws iam role nobody\n'],
  );
  const malformed = await run(['web']);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /cannot read resource reference 'web': expected TYPE\/NAME/);
});

test('log and show of a resource changed 33,000 times: more than SQLite binds in one query', async (t) => {
  // A data folder written directly: the index holds the history, git the one text it points to.
  const many = tempDir(t);
  const gitdir = join(many, 'repo.git');
  execFileSync('git', ['init', '--quiet', '--bare', gitdir]);
  const blob = execFileSync('git', ['--git-dir', gitdir, 'hash-object', '-w', '--stdin'], {
    input: 'spec:\n  replicas: 1\n',
    encoding: 'utf8',
  }).trim();
  const path = 'kubernetes/prod/namespaces/payments/apps/deployments/busy.yaml';
  const sha = (n: number) => n.toString(16).padStart(7, '0').padEnd(40, 'f');
  const start = Date.parse('2026-01-01T00:00:00Z');
  const commits: IndexedCommit[] = Array.from({ length: 33_000 }, (_, i) => ({
    sha: sha(i + 1),
    branch: 'main',
    parent: i === 0 ? null : sha(i),
    time: start + i * 1000,
    authorName: 'ci-bot',
    authorEmail: 'ci-bot@example.com',
    subject: `patch deployments busy ${i + 1}`,
    body: '',
    trailers: { Source: 'kubernetes-audit' },
    changes: [{ path, op: i === 0 ? 'A' : 'M', blob }],
  }));
  const index = new IndexDb(join(many, 'index.db'));
  index.record(commits, [], new Map([['main', sha(33_000)]]));
  index.close();
  const cli = async (args: string[]) => {
    const captured = captureIo();
    const code = await runCli([...args, '--data', many], captured.io);
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  };

  const log = await cli(['log', 'prod:payments/deployment/busy', '--limit', '450']);
  assert.equal(log.code, 0, log.stderr);
  const shown = log.stdout
    .trim()
    .split('\n')
    .map((line) => line.slice(0, 7));
  assert.deepEqual(
    shown,
    Array.from({ length: 450 }, (_, i) => sha(33_000 - i).slice(0, 7)),
    'the newest 450, newest first, over three pages',
  );
  const before = await cli(['show', 'prod:payments/deployment/busy', '--at', '2025-12-31T00:00:00Z']);
  assert.deepEqual(
    [before.code, before.stderr],
    [
      1,
      `gitrail show: prod:payments/deployment/busy did not exist at 2025-12-31T00:00:00Z: first recorded ` +
        `2026-01-01T00:00:00Z by ci-bot (${sha(1).slice(0, 7)})\n`,
    ],
  );
});
