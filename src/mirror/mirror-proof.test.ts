// A mirror is a witness (issue 11): signed checkpoints and archived activity periods reach
// `git http-backend` with the branches, a new activity period replaces the remote's activity
// only once the old one is archived there, retention removes an archive from the remote only
// as a checkpoint records it, and a checkpoint the remote holds differently is never overwritten.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { GitHttpServer } from '../../test/fakes/git-http-backend.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { change } from '../../test/helpers/notify-rig.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Checkpointer } from '../checkpoint/checkpointer.ts';
import { Ledger } from '../ledger/ledger.ts';
import { readSigners } from '../signing/key-store.ts';
import { verifyRepository } from '../verify/verify.ts';
import { MirrorConfig } from './config.ts';
import { startMirrors } from './start-mirrors.ts';

const TOKEN = 'mirror-token';
const DAY = 86_400_000;

async function rig(t: TestContext, transport: 'isomorphic-git' | 'git') {
  const dir = tempDir(t);
  const server = await GitHttpServer.start(join(dir, 'server'), { username: 'x-access-token', password: TOKEN });
  t.after(() => server.close());
  const remote = server.createRepository('audit');
  const dataDir = join(dir, 'data');
  let clock = Date.UTC(2026, 0, 10);
  const now = () => clock;
  const ledger = await Ledger.open({ dataDir, now, activityPeriod: 'month' });
  t.after(() => ledger.close());
  const checkpointer = await Checkpointer.open({
    dataDir,
    ledger,
    tagger: { name: 'gitrail', email: 'gitrail@localhost' },
    now,
    retention: { activity: 40 * DAY },
  });
  const config = MirrorConfig.parse({ url: server.url('audit'), token: { env: 'T' }, interval: '1h', transport });
  const mirrors = startMirrors({
    dataDir,
    mirrors: [config],
    ledger,
    log: pino({ level: 'silent' }),
    env: { T: TOKEN },
  });
  t.after(() => mirrors.stop());
  let n = 0;
  /** One activity event and one change at `time`, then a checkpoint, then a push. */
  const month = async (time: number, expectUp = true) => {
    clock = time;
    n += 1;
    await ledger.apply({ record: change({ path: `activity/kubernetes/x/e-${n}.yaml`, branch: 'activity', time }) });
    await ledger.apply({ record: change({ path: `kubernetes/prod/core/configmaps/c-${n}.yaml`, time }) });
    await ledger.flush();
    clock = time + 1000;
    await checkpointer.create('interval');
    mirrors.checkpointed();
    await mirrors.flush();
    if (expectUp) assert.equal(mirrors.status()[0]?.state, 'up', String(mirrors.status()[0]?.lastError));
  };
  const refs = (gitdir: string, prefix: string) =>
    git(gitdir, 'for-each-ref', '--format=%(refname) %(objectname)', prefix).trim();
  return { dataDir, remote, ledger, mirrors, month, refs };
}

for (const transport of ['isomorphic-git', 'git'] as const) {
  test(
    `${transport}: checkpoints and archived periods reach the mirror; ` + `a new period and retention need no force`,
    async (t) => {
      const { dataDir, remote, ledger, month, refs } = await rig(t, transport);
      const signers = readSigners(join(dataDir, 'keys', 'allowed_signers'));
      await month(Date.UTC(2026, 0, 10));
      assert.equal(refs(remote, 'refs/tags/checkpoints/'), refs(ledger.gitdir, 'refs/tags/checkpoints/'));
      const january = git(ledger.gitdir, 'rev-parse', 'activity').trim();

      // February: activity starts again from a root commit; the mirror keeps January as an archive.
      await month(Date.UTC(2026, 1, 10));
      assert.equal(refs(remote, 'refs/archive/'), `refs/archive/activity/2026-01 ${january}`);
      assert.equal(git(remote, 'rev-parse', 'activity').trim(), git(ledger.gitdir, 'rev-parse', 'activity').trim());
      assert.equal(refs(remote, 'refs/tags/checkpoints/').split('\n').length, 2);
      assert.deepEqual((await verifyRepository({ gitdir: remote, signers })).problems, []);

      // April: January is past its 40 days; the checkpoint records the removal, and the mirror follows.
      await month(Date.UTC(2026, 3, 5));
      assert.equal(git(ledger.gitdir, 'for-each-ref', 'refs/archive/activity/2026-01').trim(), '');
      assert.equal(refs(remote, 'refs/archive/'), refs(ledger.gitdir, 'refs/archive/'));
      assert.match(refs(remote, 'refs/archive/'), /^refs\/archive\/activity\/2026-02 /m);
      assert.equal(refs(remote, 'refs/tags/checkpoints/'), refs(ledger.gitdir, 'refs/tags/checkpoints/'));
      assert.equal(git(remote, 'rev-parse', 'main').trim(), ledger.head('main'));
      fsckStrict(remote);
      const report = await verifyRepository({ gitdir: remote, signers });
      assert.deepEqual(report.problems, [], 'retention, not tampering, on the mirror too');
      assert.equal(report.checkpoints, 3);
    },
  );
}

test('a checkpoint the remote holds as another object is reported and never overwritten', async (t) => {
  const { remote, ledger, mirrors, month } = await rig(t, 'git');
  await month(Date.UTC(2026, 0, 10));
  const [name] = git(ledger.gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n') as [string];
  const theirs = git(remote, 'rev-parse', 'main~0').trim();
  git(remote, 'update-ref', `refs/tags/${name}`, theirs);
  // A second checkpoint is pushed: the first one's conflict stops it and is named.
  await month(Date.UTC(2026, 0, 11), false);
  assert.equal(mirrors.status()[0]?.state, 'failing');
  assert.match(
    mirrors.status()[0]?.lastError ?? '',
    new RegExp(`checkpoints: push rejected: refs/tags/${name}: the remote holds ${theirs}, .*never overwritten`),
  );
  assert.equal(git(remote, 'rev-parse', `refs/tags/${name}`).trim(), theirs, 'the remote keeps its object');
});
