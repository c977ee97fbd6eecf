import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { captureIo } from '../../../test/helpers/capture-io.ts';
import { git } from '../../../test/helpers/git.ts';
import { assertGolden } from '../../../test/helpers/golden.ts';
import { buildInvestigateData, INVESTIGATE_NOW } from '../../../test/helpers/investigate-data.ts';
import { runCli } from '../main.ts';
import { createBlameCommand } from './blame.ts';

const GOLDEN = join(import.meta.dirname, '__golden__');
const blame = createBlameCommand({ now: () => INVESTIGATE_NOW });
let data = '';
let gitdir = '';

before(async () => {
  data = mkdtempSync(join(tmpdir(), 'gitrail-blame-'));
  process.on('exit', () => rmSync(data, { recursive: true, force: true }));
  gitdir = await buildInvestigateData(data);
});

interface Line {
  sha: string;
  author: string;
  time: string;
  text: string;
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo();
  const code = await runCli(['blame', ...args, '--data', data], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** `gitrail blame` output, parsed: header, then `<sha> (<author> <time> <n>) <text>`. */
async function gitrailBlame(args: string[]): Promise<{ header: string; lines: Line[] }> {
  const captured = captureIo();
  const code = await blame([...args, '--data', data], captured.io);
  assert.equal(code, 0, captured.stderr());
  const [header, ...rest] = captured.stdout().replace(/\n$/, '').split('\n');
  const lines = rest.map((line) => {
    const match = /^([0-9a-f]{7}) \((.*) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) +(\d+)\) (.*)$/.exec(line);
    assert.ok(match, `unparsable blame line: ${line}`);
    return {
      sha: match[1] as string,
      author: (match[2] as string).trimEnd(),
      time: match[3] as string,
      text: match[5] as string,
    };
  });
  return { header: header as string, lines };
}

/** Whether git says the commit's author was claimed by its sender (its `Attribution:` trailer). */
function claimedInGit(sha: string): boolean {
  return git(gitdir, 'log', '-1', '--format=%(trailers:key=Attribution,valueonly)', sha).trim() === 'claimed';
}

/**
 * The same from `git blame --porcelain`, read here independently of the reader under test; an author
 * whose commit says `Attribution: claimed` reads `name (claimed)`, as gitrail shows it.
 */
function gitBlame(path: string, rev: string): Line[] {
  const out = git(gitdir, 'blame', '--porcelain', rev, '--', path).split('\n');
  const info = new Map<string, { author: string; time: string }>();
  const lines: Line[] = [];
  let sha = '';
  for (const line of out) {
    const head = /^([0-9a-f]{40}) \d+ \d+/.exec(line);
    if (head) {
      sha = head[1] as string;
      if (!info.has(sha)) info.set(sha, { author: '', time: '' });
    } else if (line.startsWith('author '))
      (info.get(sha) as { author: string }).author = `${line.slice(7)}${claimedInGit(sha) ? ' (claimed)' : ''}`;
    else if (line.startsWith('author-time '))
      (info.get(sha) as { time: string }).time = new Date(Number(line.slice(12)) * 1000)
        .toISOString()
        .replace('.000Z', 'Z');
    else if (line.startsWith('\t')) {
      const known = info.get(sha) as { author: string; time: string };
      lines.push({
        sha: sha.slice(0, 7),
        author: known.author,
        time: known.time,
        text: line.slice(1),
      });
    }
  }
  return lines;
}

/** The last commit on main that changed `path` with an author date at or before `at`. */
function gitVersionAt(path: string, at: string): string {
  const limit = Date.parse(at) / 1000;
  const row = git(gitdir, 'log', '--format=%H %at', 'main', '--', path)
    .trim()
    .split('\n')
    .map((line) => line.split(' '))
    .find(([, time]) => Number(time) <= limit);
  return (row as string[])[0] as string;
}

const CASES: Array<{ ref: string[]; path: string }> = [
  { ref: ['deploy/api', '--cluster', 'prod'], path: 'kubernetes/prod/namespaces/payments/apps/deployments/api.yaml' },
  {
    ref: ['staging:payments/deployment/api'],
    path: 'kubernetes/staging/namespaces/payments/apps/deployments/api.yaml',
  },
  {
    ref: ['cm', 'api-config', '-n', 'payments'],
    path: 'kubernetes/prod/namespaces/payments/core/configmaps/api-config.yaml',
  },
  {
    ref: ['aws', 'iam', 'role', 'payments-authorize'],
    path: 'aws/111122223333/global/iam/Role/payments-authorize.yaml',
  },
  {
    ref: ['aws', 'lambda', 'function', 'payments-authorize', '--region', 'eu-west-1'],
    path: 'aws/111122223333/eu-west-1/lambda/Function/payments-authorize.yaml',
  },
  {
    ref: ['sts/nginx-sts', '--cluster', 'corpus'],
    path: 'kubernetes/corpus/namespaces/default/apps/statefulsets/nginx-sts.yaml',
  },
  { ref: ['node/minikube', '--context', 'corpus'], path: 'kubernetes/corpus/cluster/core/nodes/minikube.yaml' },
  { ref: ['custom', 'events', 'feature-flags/checkout'], path: 'custom/events/feature-flags/checkout.yaml' },
  {
    ref: ['aws/123456789012/us-east-1/rds/DBInstance/production-db.yaml'],
    path: 'aws/123456789012/us-east-1/rds/DBInstance/production-db.yaml',
  },
];

test('blame agrees with git blame line by line: commit, author, author time and text', async () => {
  for (const { ref, path } of CASES) {
    const { header, lines } = await gitrailBlame(ref);
    assert.match(header, new RegExp(`^# \\S+ \\(${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) at [0-9a-f]{7}$`));
    assert.deepEqual(lines, gitBlame(path, 'main'), ref.join(' '));
  }
  // Generic events' authors are asserted by their sender: blame says so.
  const { lines } = await gitrailBlame(['custom', 'events', 'feature-flags/checkout']);
  assert.ok(lines.some((line) => line.author === 'gina@example.com (claimed)'));
  assert.ok(lines.every((line) => line.author.endsWith('(claimed)')));
});

test('blame --at an instant or a commit agrees with git blame at the version then', async () => {
  const path = 'kubernetes/prod/namespaces/payments/apps/deployments/api.yaml';
  for (const at of ['2026-03-09T01:40:05Z', '2026-03-09T01:55:00Z', '2026-03-09T02:19:59Z']) {
    const { lines } = await gitrailBlame(['deploy/api', '--cluster', 'prod', '--at', at]);
    assert.deepEqual(lines, gitBlame(path, gitVersionAt(path, at)), at);
  }
  const middle = gitVersionAt(path, '2026-03-09T01:55:00Z');
  const { header, lines } = await gitrailBlame(['deploy/api', '--cluster', 'prod', '--at', middle.slice(0, 10)]);
  assert.equal(header.slice(-7), middle.slice(0, 7));
  assert.deepEqual(lines, gitBlame(path, middle));
  // Relative to the injected now (03:00): 1h ago is 02:00, before the 02:20 scale.
  assert.deepEqual(
    (await gitrailBlame(['deploy/api', '--cluster', 'prod', '--at', '1h'])).lines,
    gitBlame(path, middle),
  );
});

test('blame output pins the IAM role with who changed which statement (golden)', async () => {
  const captured = captureIo();
  assert.equal(await blame(['aws', 'iam', 'role', 'payments-authorize', '--data', data], captured.io), 0);
  assertGolden(captured.stdout(), join(GOLDEN, 'blame-iam-role.txt'));
  assert.match(captured.stdout(), /[0-9a-f]{7} \(bob@example.com +2026-03-09T02:05:00Z 50\) {13}- dynamodb:Query\n/);
});

test('unknown, ambiguous, deleted and not-yet-created resources exit 1 with a clear message', async () => {
  const ambiguous = await run(['deploy/api', '-n', 'payments']);
  assert.equal(ambiguous.code, 1);
  assert.equal(
    ambiguous.stderr,
    [
      'gitrail blame: deploy/api is ambiguous, 2 resources match:',
      '  prod:payments/deployment/api',
      '  staging:payments/deployment/api',
      'name one with --cluster, -n/--namespace, --account or --region, or by its key',
      '',
    ].join('\n'),
  );
  const unknown = await run(['deploy/nope', '--cluster', 'prod']);
  assert.deepEqual(
    [unknown.code, unknown.stderr],
    [1, 'gitrail blame: no recorded resource matches deploy/nope (nor does it without --cluster prod)\n'],
  );
  const deleted = await run(['deploy/web', '--cluster', 'default']);
  assert.equal(deleted.code, 1);
  assert.match(
    deleted.stderr,
    new RegExp(
      String.raw`^gitrail blame: default:shop\/deployment\/web did not exist now: deleted ` +
        String.raw`2026-03-02T01:30:01Z by carol@example.com \([0-9a-f]{7}\); use --at with an earlier time ` +
        String.raw`or commit\n$`,
    ),
  );
  const early = await run(['deploy/api', '--cluster', 'prod', '--at', '2026-03-09T01:00Z']);
  assert.match(
    early.stderr,
    /did not exist at 2026-03-09T01:00:00Z: first recorded 2026-03-09T01:40:05Z by alice@example.com/,
  );
  const badTime = await run(['deploy/api', '--cluster', 'prod', '--at', 'teatime']);
  assert.deepEqual([badTime.code, badTime.stderr.split(':')[0]], [1, 'gitrail blame']);
  assert.match(badTime.stderr, /bad --at 'teatime'/);
  // The deleted one is still there to blame before its deletion.
  assert.equal((await run(['deploy/web', '--cluster', 'default', '--at', '2026-03-02T01:20Z'])).code, 0);
  assert.equal(git(gitdir, 'cat-file', '-t', 'main').trim(), 'commit');
});

test('in a pipe, author names are printed whole, so grep finds them; only a narrow terminal cuts them', async () => {
  const args = ['sts/nginx-sts', '--cluster', 'corpus', '--data', data];
  // COLUMNS is set, but stdout is not a terminal: like git blame, nothing is cut.
  const piped = captureIo({ COLUMNS: '60' });
  assert.equal(await blame(args, piped.io), 0, piped.stderr());
  assert.match(piped.stdout(), /^[0-9a-f]{7} \(unknown \(attribution unresolved\) 2026-03-09T03:00:00Z +1\) /m);
  const terminal = captureIo();
  Object.assign(terminal.io.stdout, { isTTY: true, columns: 80 });
  assert.equal(await blame([...args, '--no-pager', '--color', 'never'], terminal.io), 0, terminal.stderr());
  assert.match(terminal.stdout(), /^[0-9a-f]{7} \(unknown… 2026-03-09T03:00:00Z +1\) /m);
  assert.ok(
    terminal
      .stdout()
      .split('\n')
      .slice(1)
      .every((line) => !/\(unknown \(attribution/.test(line)),
  );
});

test('blame -o json: one object per line, the same commit, author, time and text as git blame', async () => {
  const path = 'kubernetes/prod/namespaces/payments/apps/deployments/api.yaml';
  const captured = captureIo();
  assert.equal(await blame(['deploy/api', '--cluster', 'prod', '-o', 'json', '--data', data], captured.io), 0);
  const records = captured
    .stdout()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(
    records.map((record) => ({
      sha: String(record['sha']).slice(0, 7),
      author: (record['author'] as { name: string }).name,
      time: record['time'],
      text: record['text'],
    })),
    gitBlame(path, 'main'),
  );
  assert.deepEqual(
    records.map((record) => record['line']),
    records.map((_, index) => index + 1),
  );
  assert.ok(records.every((record) => record['path'] === path && record['key'] === 'prod:payments/deployment/api'));
});

test('-o and other usage errors are in gitrail words, exit 2, and name the option', async () => {
  const format = await run(['deploy/api', '--cluster', 'prod', '-o', 'yaml']);
  assert.deepEqual(
    [format.code, format.stderr],
    [2, "gitrail blame: unknown format 'yaml' for -o/--format: expected text or json\n"],
  );
  const unknown = await run(['deploy/api', '--cluster', 'prod', '--bogus']);
  assert.deepEqual(
    [unknown.code, unknown.stderr],
    [2, "gitrail blame: unknown option '--bogus' (--help lists the command's options)\n"],
  );
  const missing = await run(['deploy/api', '--cluster']);
  assert.equal(missing.stderr, 'gitrail blame: option --cluster needs a value\n');
  const help = captureIo();
  assert.equal(await blame(['--help'], help.io), 0);
  assert.match(
    help.stdout(),
    /\n {2}-o, --format F {9}text \(default; author names are cut only to fit a terminal\) or json\n/,
  );
});

test(
  'a resource left out by -n or --cluster: ' + 'the error lists where it was recorded and which option left it out',
  async () => {
    const wrongNamespace = await run(['deploy/api', '-n', 'shop']);
    assert.deepEqual(
      [wrongNamespace.code, wrongNamespace.stderr],
      [
        1,
        [
          'gitrail blame: no recorded resource matches deploy/api with -n shop; recorded elsewhere:',
          '  prod:payments/deployment/api  left out by -n shop',
          '  staging:payments/deployment/api  left out by -n shop',
          '',
        ].join('\n'),
      ],
    );
    const both = await run(['deploy/api', '--cluster', 'default', '-n', 'payments']);
    assert.match(both.stderr, /\n {2}prod:payments\/deployment\/api {2}left out by --cluster default\n/);
    const account = await run(['aws', 'iam', 'role', 'payments-authorize', '--account', '999999999999']);
    assert.match(
      account.stderr,
      new RegExp(
        String.raw`recorded elsewhere:\n {2}aws:111122223333:iam\/Role\/payments-authorize {2}left out by ` +
          String.raw`--account 999999999999\n$`,
      ),
    );
  },
);
