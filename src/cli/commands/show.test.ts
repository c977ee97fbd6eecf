import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as yaml from 'js-yaml';
import { captureIo } from '../../../test/helpers/capture-io.ts';
import { git } from '../../../test/helpers/git.ts';
import { assertGolden } from '../../../test/helpers/golden.ts';
import { buildInvestigateData, INVESTIGATE_NOW } from '../../../test/helpers/investigate-data.ts';
import { runCli } from '../main.ts';
import { createShowCommand } from './show.ts';

const GOLDEN = join(import.meta.dirname, '__golden__');
const show = createShowCommand({ now: () => INVESTIGATE_NOW });
let data = '';
let gitdir = '';

before(async () => {
  data = mkdtempSync(join(tmpdir(), 'gitrail-show-'));
  process.on('exit', () => rmSync(data, { recursive: true, force: true }));
  gitdir = await buildInvestigateData(data);
});

/** Through the real entry point (exit codes, error lines); absolute times only, its clock is real. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo();
  const code = await runCli(['show', ...args, '--data', data], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** The command with the scenario's clock, for relative times. */
async function showAtScenarioTime(args: string[]): Promise<string> {
  const captured = captureIo();
  assert.equal(await show([...args, '--data', data], captured.io), 0, captured.stderr());
  return captured.stdout();
}

/** The YAML without the leading `# …` header lines. */
const body = (text: string) => text.replace(/^(#[^\n]*\n)+/, '');

/** What git says the file was at an instant: the last commit touching it by author date, then `git show`. */
function gitShowAt(path: string, at: string): string | null {
  const limit = Date.parse(at) / 1000;
  const row = git(gitdir, 'log', '--format=%H %at', '--name-status', 'main', '--', path)
    .trim()
    .split(/\n(?=[0-9a-f]{40} )/)
    .map((block) => block.split('\n').filter(Boolean))
    .find(([head]) => Number((head as string).split(' ')[1]) <= limit);
  if (!row) return null;
  const [head, status] = row as [string, string];
  return status.startsWith('D\t') ? null : git(gitdir, 'show', `${head.split(' ')[0]}:${path}`);
}

const RESOURCES: Array<{ ref: string[]; path: string }> = [
  { ref: ['deploy/api', '--cluster', 'prod'], path: 'kubernetes/prod/namespaces/payments/apps/deployments/api.yaml' },
  {
    ref: ['cm/api-config', '-n', 'payments'],
    path: 'kubernetes/prod/namespaces/payments/core/configmaps/api-config.yaml',
  },
  {
    ref: ['aws', 'iam', 'role', 'payments-authorize'],
    path: 'aws/111122223333/global/iam/Role/payments-authorize.yaml',
  },
  {
    ref: ['deployment', 'web', '--cluster', 'default'],
    path: 'kubernetes/default/namespaces/shop/apps/deployments/web.yaml',
  },
  { ref: ['secret/db-credentials'], path: 'kubernetes/default/namespaces/shop/core/secrets/db-credentials.yaml' },
  {
    ref: ['sts/nginx-sts', '--cluster', 'corpus'],
    path: 'kubernetes/corpus/namespaces/default/apps/statefulsets/nginx-sts.yaml',
  },
];

const INSTANTS = [
  '2026-03-02T00:59:59Z',
  '2026-03-02T01:05:01Z',
  '2026-03-02T01:12:00Z',
  '2026-03-02T01:30:00Z',
  '2026-03-02T01:30:01Z',
  '2026-03-09T01:40:04Z',
  '2026-03-09T01:45:00Z',
  '2026-03-09T01:58:30Z',
  '2026-03-09T02:03:00Z',
  '2026-03-09T02:30:00Z',
  '2026-03-09T03:00:00Z',
];

test(
  'show --at agrees with git show of the version git log names for that instant, ' + 'or says it did not exist',
  async () => {
    let compared = 0;
    for (const { ref, path } of RESOURCES) {
      for (const at of INSTANTS) {
        const expected = gitShowAt(path, at);
        const { code, stdout, stderr } = await run([...ref, '--at', at]);
        if (expected === null) {
          assert.equal(code, 1, `${path} at ${at}: ${stdout}`);
          assert.match(stderr, /did not exist at/);
        } else {
          assert.equal(code, 0, `${path} at ${at}: ${stderr}`);
          assert.equal(body(stdout), expected, `${path} at ${at}`);
          compared += 1;
        }
      }
    }
    assert.ok(compared >= 25, `only ${compared} versions compared`);
  },
);

test('show --at a commit is git show <commit>:<path>, also at commits that did not touch the file', async () => {
  const path = 'kubernetes/prod/namespaces/payments/apps/deployments/api.yaml';
  // The newest commits, and the oldest ones: from before the file was created.
  const all = git(gitdir, 'log', '--format=%H', 'main', '--since=1970-01-01').trim().split('\n');
  const commits = [...all.slice(0, 12), ...all.slice(-3)];
  const [createdIn, createdAt, creator] = git(
    gitdir,
    'log',
    '--format=%H%x00%aI%x00%an',
    '--diff-filter=A',
    'main',
    '--',
    path,
  )
    .trim()
    .split('\0') as [string, string, string];
  const missing: string[] = [];
  for (const sha of commits) {
    const exists = git(gitdir, 'ls-tree', '--name-only', sha, '--', path).trim() !== '';
    const { code, stdout, stderr } = await run(['deploy/api', '--cluster', 'prod', '--at', sha.slice(0, 8)]);
    if (!exists) {
      assert.equal(code, 1);
      const first = `${createdAt.replace('+00:00', 'Z')} by ${creator} (${createdIn.slice(0, 7)})`;
      assert.equal(
        stderr,
        `gitrail show: prod:payments/deployment/api did not exist at commit ${sha.slice(0, 7)} (first recorded ` +
          `${first})\n`,
      );
      missing.push(sha);
      continue;
    }
    assert.equal(code, 0, stderr);
    assert.equal(stdout.split('\n')[1], `# at commit ${sha.slice(0, 7)}`);
    assert.equal(body(stdout), git(gitdir, 'show', `${sha}:${path}`));
  }
  assert.deepEqual(
    missing,
    all.slice(-3),
    'the oldest commits are from before the file existed; the newest all hold it',
  );
});

test('show now: the header names the resource and its last change (golden)', async () => {
  const stdout = await showAtScenarioTime(['aws', 'lambda', 'function', 'payments-authorize']);
  assertGolden(stdout, join(GOLDEN, 'show-lambda.yaml'));
  assert.match(
    stdout,
    new RegExp(
      String.raw`^# aws:111122223333:eu-west-1:lambda\/Function\/payments-authorize ` +
        String.raw`\(aws\/111122223333\/eu-west-1\/lambda\/Function\/payments-authorize.yaml\)\n# last ` +
        String.raw`changed 2026-03-09T02:15:01Z by carol@example.com in [0-9a-f]{7}: `,
    ),
  );
});

test('show a namespace at an instant: every resource in it then, across clusters (golden)', async () => {
  const prod = await showAtScenarioTime(['-n', 'payments', '--cluster', 'prod', '--at', '02:00']);
  assertGolden(prod, join(GOLDEN, 'show-namespace-prod.yaml'));
  const docs = prod.split('---\n');
  assert.deepEqual(
    docs.map((doc) => doc.split('\n')[0]?.split(' ')[1]),
    ['prod:payments/deployment/api', 'prod:payments/configmap/api-config'],
  );
  assert.equal(
    body(docs[0] as string),
    gitShowAt('kubernetes/prod/namespaces/payments/apps/deployments/api.yaml', '2026-03-09T02:00:00Z'),
  );
  assert.equal(
    body(docs[1] as string),
    gitShowAt('kubernetes/prod/namespaces/payments/core/configmaps/api-config.yaml', '2026-03-09T02:00:00Z'),
  );
  const both = await run(['-n', 'payments', '--at', '2026-03-09T01:55Z']);
  assert.deepEqual(
    both.stdout.split('---\n').map((doc) => doc.split(' ')[1]),
    ['prod:payments/deployment/api', 'prod:payments/configmap/api-config', 'staging:payments/deployment/api'],
  );
  const empty = captureIo();
  assert.equal(await runCli(['show', '-n', 'payments', '--at', '2026-01-01', '--data', data], empty.io), 1);
  assert.equal(empty.stderr(), 'gitrail show: nothing was recorded in namespace payments at 2026-01-01T00:00:00Z\n');
  const nothing = captureIo();
  assert.equal(await runCli(['show', '--data', data], nothing.io), 2);
  assert.match(nothing.stderr(), /name a resource, or a namespace/);
});

test(
  'show -o json: the resource as git has it, with the change that made this version; a scope is one object ' +
    'per line',
  async () => {
    const path = 'kubernetes/prod/namespaces/payments/apps/deployments/api.yaml';
    const one = await run(['deploy/api', '--cluster', 'prod', '--at', '2026-03-09T01:58:30Z', '-o', 'json']);
    assert.equal(one.code, 0, one.stderr);
    const [line, ...rest] = one.stdout.trim().split('\n');
    assert.deepEqual(rest, []);
    const record = JSON.parse(line as string) as {
      key: string;
      path: string;
      commit: string;
      change: { sha: string; time: string; author: { name: string; email: string }; subject: string };
      object: unknown;
    };
    assert.equal(record.path, path);
    assert.equal(record.key, 'prod:payments/deployment/api');
    const [sha, time, author, subject] = git(gitdir, 'log', '-1', '--format=%H%x00%aI%x00%an%x00%s', record.commit)
      .trim()
      .split('\0');
    assert.deepEqual(
      [record.change.sha, record.change.time, record.change.author.name, record.change.subject],
      [sha, (time as string).replace('+00:00', 'Z'), author, subject],
    );
    assert.deepEqual(record.object, yaml.load(gitShowAt(path, '2026-03-09T01:58:30Z') as string));

    const scope = await run(['-n', 'payments', '--cluster', 'prod', '-o', 'json']);
    assert.equal(scope.code, 0, scope.stderr);
    const keys = scope.stdout
      .trim()
      .split('\n')
      .map((text) => (JSON.parse(text) as { key: string; object: { kind?: string } }).key);
    assert.ok(keys.includes('prod:payments/deployment/api') && keys.includes('prod:payments/configmap/api-config'));
    const bad = await run(['deploy/api', '--cluster', 'prod', '-o', 'table']);
    assert.deepEqual(
      [bad.code, bad.stderr],
      [2, "gitrail show: unknown format 'table' for -o/--format: expected yaml or json\n"],
    );
  },
);
