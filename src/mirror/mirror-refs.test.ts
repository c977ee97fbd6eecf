// Which refs a mirror sends (issue 16, item 2): only those that changed since the remote's state,
// with credentials in the first request, never forced; checkpoints once (push-proof.ts; the
// archived periods and retention are tested in mirror-proof.test.ts).
// The remote's pre-receive hook records each update it is asked for.
import assert from 'node:assert/strict';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { record, setup, transportTest } from './mirror-fixture.ts';

const ID = ['-c', 'user.name=gitrail', '-c', 'user.email=gitrail@example.com'];
const refs = (gitdir: string) =>
  git(gitdir, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/tags', 'refs/archive', 'refs/heads');
const POST = 'POST /audit.git/git-receive-pack';

transportTest(
  'sends only the refs that changed, never old = new, with the credentials up front',
  async (t, transport) => {
    const { ledger, mirrors, remote, server } = await setup(t, { transport });
    await record(ledger, 2, 'a');
    await record(ledger, 1, 'e', 'activity');
    await mirrors.flush();
    const first = ledger.head('main');
    await record(ledger, 1, 'b');
    await mirrors.flush();
    const posts = server.exchanges.filter((exchange) => exchange.request === POST).length;
    await mirrors.flush();
    assert.equal(
      server.exchanges.filter((exchange) => exchange.request === POST).length,
      posts,
      'nothing changed: nothing is sent',
    );

    const updates = server.receivedUpdates('audit').map((update) => `${update.old.slice(0, 7)} ${update.ref}`);
    assert.deepEqual(updates, [
      '0000000 refs/heads/activity',
      '0000000 refs/heads/main',
      `${first?.slice(0, 7)} refs/heads/main`,
    ]);
    assert.equal(refs(remote), refs(ledger.gitdir));
    assert.deepEqual(
      server.exchanges.filter((exchange) => exchange.status !== 200),
      [],
      'no request went out without credentials (no 401)',
    );
  },
);

transportTest(
  'a checkpoint goes with the branches, once: unchanged checkpoints are not offered again',
  async (t, transport) => {
    const { ledger, mirrors, remote, server } = await setup(t, { transport });
    await record(ledger, 2, 'm');
    git(ledger.gitdir, ...ID, 'tag', '-a', '-m', 'checkpoint', 'checkpoints/2026-05-04T1000Z', 'main');
    mirrors.checkpointed();
    await mirrors.flush();
    await record(ledger, 1, 'n');
    await mirrors.flush();
    assert.equal(refs(remote), refs(ledger.gitdir), 'the branch and the checkpoint, as they are here');
    fsckStrict(remote);
    assert.deepEqual(
      server
        .receivedUpdates('audit')
        .map((update) => update.ref)
        .sort(),
      ['refs/heads/main', 'refs/heads/main', 'refs/tags/checkpoints/2026-05-04T1000Z'],
      'the checkpoint is sent once, and no update names a ref the remote already holds',
    );
    assert.equal(mirrors.status()[0]?.state, 'up');
  },
);
