// Mirroring to a real git server (`git http-backend` behind Basic auth on 127.0.0.1) and to a
// GitHub repository created through a fake GitHub API: what the git CLI sees on the remote,
// batching, credentials, and rejected pushes reported (never forced, never hidden).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { test } from 'node:test';
import { GitHttpServer } from '../../test/fakes/git-http-backend.ts';
import { FakeGitHub } from '../../test/fakes/github-api.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Ledger } from '../ledger/ledger.ts';
import { assessReadiness } from '../server/routes/health.ts';
import { MirrorConfig } from './config.ts';
import { head, log, metrics, record, setup, TOKEN, transportTest } from './mirror-fixture.ts';
import { startMirrors } from './start-mirrors.ts';

transportTest('pushes main and activity; the git CLI sees the same commits on the remote', async (t, transport) => {
  const { ledger, mirrors, remote, server } = await setup(t, { transport });
  await record(ledger, 3, 'a');
  await record(ledger, 2, 'e', 'activity');
  await mirrors.flush();
  for (const branch of ['main', 'activity']) {
    assert.equal(
      git(remote, 'log', '--format=%H %an %s', branch),
      git(ledger.gitdir, 'log', '--format=%H %an %s', branch),
    );
  }
  fsckStrict(remote);
  // A clone over HTTP with the git CLI, as a user of the mirror would make it.
  const clone = join(tempDir(t), 'clone');
  const url = server.url('audit').replace('http://', `http://x-access-token:${TOKEN}@`);
  // Asynchronously: the server runs in this process.
  await promisify(execFile)('git', ['clone', '--quiet', '--mirror', url, clone], {
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  assert.equal(head(clone, 'main'), ledger.head('main'));
  assert.equal(mirrors.status()[0]?.state, 'up');
  const text = await metrics(mirrors);
  assert.match(text, /gitrail_mirror_branch_updates_total\{mirror="audit",branch="main",outcome="pushed"\} 1/);
  assert.match(
    text,
    /gitrail_mirror_attempts_total\{mirror="audit",outcome="ok"\} 3/,
    'at start, at the fifth commit, the flush',
  );
});

test('batches: waits for the interval unless batchCommits are new; auto pushes with the git CLI', async (t) => {
  const { ledger, mirrors, remote } = await setup(t);
  assert.equal(mirrors.mirrors[0]?.transport, 'git', 'transport auto, and git is installed');
  await record(ledger, 3, 'b');
  await mirrors.mirrors[0]?.idle();
  assert.equal(head(remote, 'main'), '', 'three commits wait for the interval (1h)');
  assert.equal(mirrors.mirrors[0]?.unpushed, 3);
  await record(ledger, 2, 'c');
  await mirrors.mirrors[0]?.idle();
  assert.equal(head(remote, 'main'), ledger.head('main'), 'the fifth commit triggers the push');
  assert.equal(mirrors.mirrors[0]?.unpushed, 0);
});

transportTest(
  'a push the server rejects is reported with its message and retried, never forced',
  async (t, transport) => {
    const { ledger, mirrors, remote, server } = await setup(t, { transport });
    await record(ledger, 1, 'ok');
    await mirrors.flush();
    server.rejectPushes('audit', 'main is protected: pushes need approval');
    await record(ledger, 1, 'blocked');
    await mirrors.flush();
    const status = mirrors.status()[0];
    assert.equal(status?.state, 'failing');
    assert.match(
      status?.lastError ?? '',
      /main: push rejected: pre-receive hook declined; main is protected: pushes need approval/,
    );
    const text = await metrics(mirrors);
    assert.match(text, /gitrail_mirror_rejected_refs\{mirror="audit"\} 1/);
    assert.match(text, /gitrail_mirror_attempts_total\{mirror="audit",outcome="rejected"\} 1/);
    assert.match(text, /gitrail_mirror_last_attempt_failed\{mirror="audit",reason="auth"\} 0/);
    // Intake goes on: the daemon stays ready, the mirror is listed as degraded.
    const readiness = assessReadiness({
      stopping: null,
      drainerFailed: false,
      journal: { entries: 0, bytes: 0, oldestReceivedAt: null, committedSeq: 0 },
      maxJournalBytes: 1024,
      now: Date.now(),
      sources: mirrors.status(),
    });
    assert.deepEqual([readiness.ready, readiness.degraded], [true, ['mirror/audit: failing']]);
    assert.notEqual(head(remote, 'main'), ledger.head('main'));

    server.acceptPushes('audit');
    await mirrors.flush();
    assert.equal(head(remote, 'main'), ledger.head('main'));
    assert.equal(mirrors.status()[0]?.state, 'up');
  },
);

transportTest('a remote that moved on is not overwritten: non-fast-forward is reported', async (t, transport) => {
  const { ledger, mirrors, remote } = await setup(t, { transport });
  await record(ledger, 1, 'x');
  await mirrors.flush();
  const work = join(tempDir(t), 'work');
  execFileSync('git', ['clone', '--quiet', remote, work]);
  execFileSync('git', [
    '-C',
    work,
    '-c',
    'user.name=someone',
    '-c',
    'user.email=s@example.com',
    'commit',
    '--quiet',
    '--allow-empty',
    '-m',
    'foreign',
  ]);
  execFileSync('git', ['-C', work, 'push', '--quiet', 'origin', 'main']);
  const foreign = head(remote, 'main');
  await record(ledger, 1, 'y');
  await mirrors.flush();
  assert.equal(head(remote, 'main'), foreign, 'the foreign commit stays');
  assert.match(mirrors.status()[0]?.lastError ?? '', /not-fast-forward.*never forces/);
});

transportTest(
  'a refused token, a missing one and an unreachable remote fail, each named for its reason',
  async (t, transport) => {
    const dir = tempDir(t);
    const server = await GitHttpServer.start(join(dir, 'server'), { username: 'x-access-token', password: TOKEN });
    t.after(() => server.close());
    server.createRepository('audit');
    const ledger = await Ledger.open({ dataDir: join(dir, 'data') });
    t.after(() => ledger.close());
    await record(ledger, 1, 'z');
    const url = server.url('audit');
    const mirrors = startMirrors({
      dataDir: join(dir, 'data'),
      mirrors: [
        { url, token: { env: 'T' }, transport },
        { url, transport },
        { url: 'http://127.0.0.1:1/gone.git', token: { env: 'T' }, transport },
      ].map((mirror) => MirrorConfig.parse(mirror)),
      ledger,
      log,
      env: { T: 'wrong' },
    });
    t.after(() => mirrors.stop());
    await mirrors.flush();
    const [wrong, missing, gone] = mirrors.status();
    assert.deepEqual([wrong?.id, missing?.id, gone?.id], ['mirror/audit', 'mirror/audit-2', 'mirror/gone']);
    assert.deepEqual([wrong?.state, missing?.state, gone?.state], ['failing', 'failing', 'failing']);
    assert.match(wrong?.lastError ?? '', /authentication failed \(401\): check the token/);
    assert.match(missing?.lastError ?? '', /authentication failed \(401\)/);
    assert.doesNotMatch(gone?.lastError ?? '', /authentication/);
    const text = await metrics(mirrors);
    for (const [mirror, reason] of [
      ['audit', 'auth'],
      ['audit-2', 'auth'],
      ['gone', 'remote'],
    ] as const) {
      assert.match(text, new RegExp(`gitrail_mirror_last_attempt_failed\\{mirror="${mirror}",reason="${reason}"\\} 1`));
      assert.match(text, new RegExp(`gitrail_mirror_rejected_refs\\{mirror="${mirror}"\\} 0`), 'nothing was refused');
      assert.match(text, new RegExp(`gitrail_mirror_attempts_total\\{mirror="${mirror}",outcome="${reason}"\\} 2`));
    }
  },
);

test('GitHub: creates the private repository when missing, then pushes; commits link to GitHub', async (t) => {
  const github = await FakeGitHub.start({ token: TOKEN, login: 'gitrail-bot' });
  t.after(() => github.close());
  const { ledger, mirrors, remote } = await setup(t, {
    github: { repository: 'acme/audit', apiUrl: github.url, webUrl: 'https://github.example' },
  });
  await record(ledger, 2, 'g');
  await mirrors.flush();
  assert.deepEqual(github.repos.get('acme/audit'), {
    owner: 'acme',
    name: 'audit',
    private: true,
    description: 'Infrastructure changes recorded by gitrail',
  });
  assert.ok(
    github.requests.some((request) => request.method === 'POST' && request.path === '/orgs/acme/repos'),
    'acme is not the token user, so an org repository',
  );
  assert.equal(head(remote, 'main'), ledger.head('main'));
  assert.equal(mirrors.githubCommitUrl('abc', 'main'), 'https://github.example/acme/audit/commit/abc');
  await mirrors.flush();
  assert.equal(github.requests.filter((request) => request.method === 'POST').length, 1, 'created once');
});

test('GitHub: a missing repository with create false is reported and not retried until restart', async (t) => {
  const github = await FakeGitHub.start({ token: TOKEN, login: 'gitrail-bot' });
  t.after(() => github.close());
  const { ledger, mirrors, remote } = await setup(t, {
    github: { repository: 'acme/absent', apiUrl: github.url, create: false },
    initialBackoff: 10,
    maxBackoff: 10,
  });
  const lookups = () => github.requests.filter((request) => request.path === '/repos/acme/absent').length;
  assert.equal(lookups(), 1);
  const status = mirrors.status()[0];
  assert.equal(status?.state, 'failing');
  assert.match(
    status?.lastError ?? '',
    /GitHub repository acme\/absent does not exist and github.create is false; not retried until gitrail restarts/,
  );
  await record(ledger, 5, 'n');
  await mirrors.flush();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(lookups(), 1, 'neither new commits nor the backoff ask GitHub again');
  assert.equal(mirrors.status()[0]?.state, 'failing');
  assert.equal(mirrors.mirrors[0]?.unpushed, 5, 'the commits wait, counted, for a restart');
  assert.equal(head(remote, 'main'), '');
  assert.equal(github.requests.filter((request) => request.method === 'POST').length, 0);
});
