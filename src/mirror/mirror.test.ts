// Mirroring to a real git server (`git http-backend` behind Basic auth on 127.0.0.1) and to a
// GitHub repository created through a fake GitHub API: what the git CLI sees on the remote,
// batching, and rejected pushes reported (never forced, never hidden).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { GitHttpServer } from '../../test/fakes/git-http-backend.ts';
import { FakeGitHub } from '../../test/fakes/github-api.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { change } from '../../test/helpers/notify-rig.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Ledger } from '../ledger/ledger.ts';
import { MirrorConfig } from './config.ts';
import { startMirrors, type Mirrors } from './start-mirrors.ts';

const TOKEN = 'mirror-token';
const log = pino({ level: 'silent' });

/** The same test for both push transports. */
function transportTest(
  name: string,
  body: (t: TestContext, transport: 'isomorphic-git' | 'git') => Promise<void>,
): void {
  for (const transport of ['isomorphic-git', 'git'] as const) test(`${transport}: ${name}`, (t) => body(t, transport));
}

async function setup(t: TestContext, mirror: Record<string, unknown> = {}) {
  const dir = tempDir(t);
  const server = await GitHttpServer.start(join(dir, 'server'), { username: 'x-access-token', password: TOKEN });
  t.after(() => server.close());
  const remote = server.createRepository('audit');
  const ledger = await Ledger.open({ dataDir: join(dir, 'data') });
  t.after(() => ledger.close());
  const config = MirrorConfig.parse({
    url: server.url('audit'),
    token: { env: 'MIRROR_TOKEN' },
    interval: '1h',
    batchCommits: 5,
    ...mirror,
  });
  const mirrors = startMirrors({
    dataDir: join(dir, 'data'),
    mirrors: [config],
    ledger,
    log,
    env: { MIRROR_TOKEN: TOKEN },
  });
  t.after(() => mirrors.stop());
  await mirrors.mirrors[0]?.idle();
  return { dir, server, remote, ledger, mirrors };
}

async function record(
  ledger: Ledger,
  count: number,
  prefix: string,
  branch: 'main' | 'activity' = 'main',
): Promise<void> {
  for (let i = 0; i < count; i += 1)
    await ledger.apply({
      record: change({
        path:
          branch === 'main'
            ? `kubernetes/prod/namespaces/shop/core/configmaps/${prefix}-${i}.yaml`
            : `activity/kubernetes/2026/05/04/09/${prefix}-${i}.yaml`,
        branch,
      }),
    });
  await ledger.flush();
}

/** The branch's commit on a repository, '' when it has none. */
const head = (gitdir: string, branch: string) =>
  git(gitdir, 'for-each-ref', '--format=%(objectname)', `refs/heads/${branch}`).trim();
const metrics = async (mirrors: Mirrors) => {
  const registry = new Registry();
  mirrors.metrics(registry);
  return registry.metrics();
};

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
  assert.match(
    await metrics(mirrors),
    /gitrail_mirror_pushes_total\{mirror="audit",branch="main",outcome="pushed"\} 1/,
  );
});

test('batches: waits for the interval unless batchCommits are new', async (t) => {
  const { ledger, mirrors, remote } = await setup(t);
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
    assert.match(await metrics(mirrors), /gitrail_mirror_rejected\{mirror="audit",branch="main"\} 1/);
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

transportTest('a wrong token is a failing mirror, not a silent one', async (t, transport) => {
  const dir = tempDir(t);
  const server = await GitHttpServer.start(join(dir, 'server'), { username: 'x-access-token', password: TOKEN });
  t.after(() => server.close());
  server.createRepository('audit');
  const ledger = await Ledger.open({ dataDir: join(dir, 'data') });
  t.after(() => ledger.close());
  await record(ledger, 1, 'z');
  const mirrors = startMirrors({
    dataDir: join(dir, 'data'),
    mirrors: [MirrorConfig.parse({ url: server.url('audit'), token: { env: 'T' }, transport })],
    ledger,
    log,
    env: { T: 'wrong' },
  });
  t.after(() => mirrors.stop());
  await mirrors.flush();
  assert.equal(mirrors.status()[0]?.state, 'failing');
  assert.match(mirrors.status()[0]?.lastError ?? '', /authentication failed \(401\)/);
});

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
