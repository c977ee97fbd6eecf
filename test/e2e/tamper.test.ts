// Issue 11's acceptance with the real git CLI and ssh-keygen: every commit and checkpoint of
// the scenario verifies with git and OpenSSH alone and with `gitrail verify`; each tampering
// is detected and the object it concerns is named first; a clone elsewhere verifies with only
// the allowed-signers file, and a witness (mirror) exposes a history rewritten with the key.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { gitrail } from '../helpers/cli.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { rewriteHistory } from '../helpers/tamper.ts';
import { tempDir } from '../helpers/tmp.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
let template = '';

/** The main commits the first ingest wrote are the last FIRST_INGEST of `git rev-list main`. */
const FIRST_INGEST = 9;

before(async () => {
  template = join(execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim(), 'data');
  process.on('exit', () => rmSync(join(template, '..'), { recursive: true, force: true }));
  const ingest = (...args: string[]) => {
    const run = gitrail(['ingest', '--data', template, ...args]);
    assert.equal(run.status, 0, run.stderr);
  };
  ingest('--cluster', 'prod', join(EXAMPLES, 'kubernetes-audit.ndjson'));
  // Git times are whole seconds: the second ingest starts in a later second than the first
  // checkpoint, so the first ingest's commits are strictly older than the second checkpoint.
  const second = Number(
    git(join(template, 'repo.git'), 'for-each-ref', '--format=%(taggerdate:unix)', 'refs/tags/checkpoints/'),
  );
  while (Math.floor(Date.now() / 1000) <= second) await new Promise((resolve) => setTimeout(resolve, 50));
  ingest('--source', 'flags', join(EXAMPLES, 'cloudtrail'), join(EXAMPLES, 'generic-events.ndjson'));
});

/** A copy of the scenario's data folder to tamper with. */
function scenario(t: Parameters<typeof tempDir>[0]): { data: string; gitdir: string; signers: string } {
  const data = join(tempDir(t), 'data');
  cpSync(template, data, { recursive: true });
  return { data, gitdir: join(data, 'repo.git'), signers: join(data, 'keys', 'allowed_signers') };
}

function verify(...args: string[]) {
  return gitrail(['verify', ...args]);
}

/** The first line `gitrail verify` prints on failure: the first bad object. */
function firstProblem(result: ReturnType<typeof verify>): string {
  assert.equal(result.status, 1, `expected a failure, got ${result.status}: ${result.stdout}${result.stderr}`);
  return result.stderr.split('\n')[0] as string;
}

function gitVerify(gitdir: string, signers: string, command: 'verify-commit' | 'verify-tag', object: string) {
  return spawnSync('git', ['--git-dir', gitdir, '-c', `gpg.ssh.allowedSignersFile=${signers}`, command, object], {
    encoding: 'utf8',
  });
}

function checkpointTags(gitdir: string): string[] {
  return git(gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n').filter(Boolean);
}

test(
  'every commit and checkpoint of the scenario verifies with git and ssh-keygen alone, ' + 'and with gitrail verify',
  (t) => {
    const { data, gitdir, signers } = scenario(t);
    fsckStrict(gitdir);
    const statuses = git(gitdir, '-c', `gpg.ssh.allowedSignersFile=${signers}`, 'log', '--all', '--format=%G? %H')
      .trim()
      .split('\n');
    assert.equal(statuses.length, 23);
    assert.deepEqual(
      statuses.filter((line) => !line.startsWith('G ')),
      [],
      'git says every commit has a good signature',
    );
    const tags = checkpointTags(gitdir);
    assert.equal(tags.length, 2, 'one checkpoint per ingest');
    for (const tag of tags) assert.equal(gitVerify(gitdir, signers, 'verify-tag', tag).status, 0, `${tag} verifies`);
    const [first, second] = tags.map((tag) => git(gitdir, 'cat-file', 'tag', tag));
    assert.match(second as string, /^Previous: checkpoints\/\S+ [0-9a-f]{40}$/m);
    assert.match(second as string, /^Previous-Signature: sha256:[0-9a-f]{64}$/m);
    assert.match(first as string, /^Previous: none$/m);
    assert.match(second as string, new RegExp(`^Main: ${git(gitdir, 'rev-parse', 'main').trim()}$`, 'm'));

    // ssh-keygen agrees on the payload git hands it: the commit without its gpgsig header.
    const raw = git(gitdir, 'cat-file', 'commit', 'main');
    const signature = /^gpgsig (-----BEGIN SSH SIGNATURE-----\n(?: .*\n)+?) -----END SSH SIGNATURE-----\n/m.exec(raw);
    assert.ok(signature, 'the commit carries a gpgsig header');
    const armour = `${(signature[1] as string).replace(/^ /gm, '')}-----END SSH SIGNATURE-----\n`;
    const payload = raw.replace(/^gpgsig [^\n]*\n(?: [^\n]*\n)*/m, '');
    const dir = tempDir(t);
    writeFileSync(join(dir, 'sig'), armour);
    const keygen = spawnSync(
      'ssh-keygen',
      ['-Y', 'verify', '-f', signers, '-I', 'gitrail@localhost', '-n', 'git', '-s', join(dir, 'sig')],
      { input: payload, encoding: 'utf8' },
    );
    assert.equal(keygen.status, 0, keygen.stderr);
    assert.match(keygen.stdout, /^Good "git" signature for gitrail@localhost with ED25519 key SHA256:/);

    const ok = verify('--data', data);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^verified: 23 commits signed by 1 key, 2 checkpoints, last checkpoints\//);
    const json = JSON.parse(verify('--data', data, '--json').stdout) as { ok: boolean; commits: number; problems: [] };
    assert.deepEqual([json.ok, json.commits, json.problems], [true, 23, []]);
  },
);

test(
  'a blob edited and history re-committed with another key: ' + 'the edited commit is named, as git verify-commit says',
  (t) => {
    const { data, gitdir, signers } = scenario(t);
    const dir = tempDir(t);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'mallory')]);
    const target = git(gitdir, 'rev-list', 'main').trim().split('\n')[5] as string;
    const path = git(gitdir, 'diff-tree', '--no-commit-id', '--name-only', '-r', target)
      .trim()
      .split('\n')[0] as string;
    const rewritten = rewriteHistory(gitdir, 'main', {
      from: target,
      path,
      content: 'edited: true\n',
      signingKey: join(dir, 'mallory'),
    });
    const edited = rewritten.get(target) as string;
    assert.equal(gitVerify(gitdir, signers, 'verify-commit', edited).status, 1, 'git refuses it too');
    const result = verify('--data', data);
    assert.match(
      firstProblem(result),
      new RegExp(`^commit ${edited}: signed by SHA256:\\S+, which is not an allowed signer$`),
    );
    const report = JSON.parse(verify('--data', data, '--json').stdout) as {
      problems: Array<{ object: string; reason: string }>;
    };
    assert.ok(
      report.problems.some((problem) => problem.object === 'ref refs/heads/main'),
      'and main no longer holds what the checkpoint named',
    );
  },
);

test('history re-committed unsigned: the first re-committed commit is named as not signed', (t) => {
  const { data, gitdir } = scenario(t);
  const target = git(gitdir, 'rev-list', 'main').trim().split('\n')[3] as string;
  const path = git(gitdir, 'diff-tree', '--no-commit-id', '--name-only', '-r', target).trim().split('\n')[0] as string;
  const rewritten = rewriteHistory(gitdir, 'main', { from: target, path, content: 'edited: true\n', signingKey: null });
  assert.equal(firstProblem(verify('--data', data)), `commit ${rewritten.get(target)}: not signed`);
});

test('history re-committed with the stolen key passes git verify-commit, but not gitrail verify', (t) => {
  const { data, gitdir, signers } = scenario(t);
  const commits = git(gitdir, 'rev-list', 'main').trim().split('\n');
  const target = commits[commits.length - FIRST_INGEST + 2] as string;
  const path = git(gitdir, 'diff-tree', '--no-commit-id', '--name-only', '-r', target).trim().split('\n')[0] as string;
  const rewritten = rewriteHistory(gitdir, 'main', {
    from: target,
    path,
    content: 'edited: true\n',
    signingKey: join(data, 'keys', 'signing.key'),
  });
  const edited = rewritten.get(target) as string;
  assert.equal(gitVerify(gitdir, signers, 'verify-commit', edited).status, 0, 'a good signature by the real key');
  // The rewrite kept the commit dates: the edited commit claims a time the checkpoints cover.
  const result = verify('--data', data);
  assert.match(
    firstProblem(result),
    new RegExp(`^commit ${edited}: committed \\S+, before checkpoint checkpoints/\\S+, which does not include it$`),
  );
  // Every problem, not only the ten printed: how many re-committed commits come first depends on checkpoint timing.
  const all = JSON.parse(verify('--data', data, '--json').stdout) as { problems: { object: string; reason: string }[] };
  assert.ok(
    all.problems.some(
      (problem) =>
        problem.object === `commit ${target}` && /^the index records it .*removed from history$/.test(problem.reason),
    ),
    `the index names the replaced commit ${target}`,
  );
  // A clone alone (no data folder) still tells: the checkpoints name a main the branch no longer holds.
  const clone = join(tempDir(t), 'clone.git');
  execFileSync('git', ['clone', '-q', '--mirror', gitdir, clone]);
  assert.match(
    firstProblem(verify('--repo', clone, '--allowed-signers', signers)),
    new RegExp(`^commit ${edited}: committed`),
  );
});

test('a commit removed and the branch moved back: the removed commit is named', (t) => {
  const { data, gitdir, signers } = scenario(t);
  const removed = git(gitdir, 'rev-parse', 'main').trim();
  git(gitdir, 'update-ref', 'refs/heads/main', 'main~1');
  assert.match(firstProblem(verify('--data', data)), new RegExp(`^commit ${removed}: the index records it`));
  const clone = join(tempDir(t), 'clone.git');
  execFileSync('git', ['clone', '-q', '--mirror', gitdir, clone]);
  assert.match(
    firstProblem(verify('--repo', clone, '--allowed-signers', signers)),
    new RegExp(`^ref refs/heads/main: main \\S+ does not descend from main ${removed}`),
  );
});

test('a checkpoint tag deleted or replaced is named', (t) => {
  const { data, gitdir, signers } = scenario(t);
  const [first, second] = checkpointTags(gitdir) as [string, string];
  const broken = join(tempDir(t), 'middle.git');
  execFileSync('git', ['clone', '-q', '--mirror', gitdir, broken]);
  execFileSync('git', ['--git-dir', broken, 'tag', '-d', first]);
  assert.match(
    firstProblem(verify('--repo', broken, '--allowed-signers', signers)),
    new RegExp(
      `^checkpoint ${second}: its previous checkpoint ${first} \\([0-9a-f]{40}\\) is not in the repository: ` +
        `deleted or replaced$`,
    ),
  );

  git(gitdir, 'tag', '-d', second);
  assert.match(
    firstProblem(verify('--data', data)),
    new RegExp(
      `^checkpoint ${second}: the data folder recorded it as [0-9a-f]{40}; the repository no longer holds that tag`,
    ),
  );
  git(
    gitdir,
    '-c',
    'user.name=mallory',
    '-c',
    'user.email=m@example.com',
    'tag',
    '-a',
    second,
    '-m',
    'gitrail checkpoint',
    'main',
  );
  const replaced = verify('--data', data);
  assert.match(firstProblem(replaced), new RegExp(`^checkpoint ${second}: not a checkpoint: no Checkpoint: line$`));
  assert.equal(
    gitVerify(gitdir, signers, 'verify-tag', second).status,
    1,
    'git verify-tag refuses the unsigned replacement',
  );
});

test('a mirror whose history diverged: rewritten with the key and re-checkpointed here, the witness names it', (t) => {
  const { data, gitdir, signers } = scenario(t);
  const mirror = join(tempDir(t), 'mirror.git');
  execFileSync('git', ['clone', '-q', '--mirror', gitdir, mirror]);
  const [first] = checkpointTags(gitdir) as [string, string];
  // Someone holding the data folder and its key drops a commit and replaces the whole checkpoint chain.
  git(gitdir, 'update-ref', 'refs/heads/main', 'main~1');
  for (const tag of checkpointTags(gitdir)) git(gitdir, 'tag', '-d', tag);
  rmSync(join(data, 'checkpoint.json'));
  rmSync(join(data, 'index.db'));
  const ingest = gitrail(['ingest', '--data', data, '--source', 'more', join(EXAMPLES, 'generic-events.ndjson')]);
  assert.equal(ingest.status, 0, ingest.stderr);
  assert.equal(verify('--data', data).status, 0, 'consistent in itself');
  assert.equal(verify('--repo', mirror, '--allowed-signers', signers).status, 0, 'the mirror holds the original');
  const result = verify('--data', data, '--witness', mirror);
  assert.match(
    firstProblem(result),
    new RegExp(`^checkpoint ${first}: the witness ${mirror} holds it as [0-9a-f]{40}, this repository not at all$`),
  );
  assert.match(
    result.stderr,
    new RegExp(
      `^ref refs/heads/main: the witness ${mirror} has main at [0-9a-f]{40}, which is not in this history: they ` +
        `diverged$`,
      'm',
    ),
  );
});

test('a clone on another path verifies with only the allowed-signers file', (t) => {
  const { gitdir, signers } = scenario(t);
  const elsewhere = tempDir(t);
  copyFileSync(signers, join(elsewhere, 'allowed_signers'));
  const mirror = join(elsewhere, 'audit.git');
  execFileSync('git', ['clone', '-q', '--mirror', gitdir, mirror]);
  const result = verify('--repo', mirror, '--allowed-signers', join(elsewhere, 'allowed_signers'));
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^verified: 23 commits signed by 1 key, 2 checkpoints/);
  // A plain clone with a work tree: branches come as origin/*, tags as they are.
  const work = join(elsewhere, 'work');
  mkdirSync(work);
  execFileSync('git', ['clone', '-q', gitdir, join(work, 'audit')]);
  const plain = verify('--repo', join(work, 'audit'), '--allowed-signers', join(elsewhere, 'allowed_signers'));
  assert.equal(plain.status, 0, plain.stderr);
  const missing = verify('--repo', mirror);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--repo needs --allowed-signers FILE/);
});
