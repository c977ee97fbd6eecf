// Which refs a mirror sends (issue 16, item 2, and the refs of tamper evidence): only those that
// changed since the remote's state, with credentials in the first request; every branch, tag and
// archived period, never forced; deletions only for archived periods this mirror pushed.
// The remote's pre-receive hook records each update it is asked for.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { MirrorConfig } from './config.ts';
import { log, record, setup, TOKEN, transportTest } from './mirror-fixture.ts';
import { startMirrors } from './start-mirrors.ts';

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
  'pushes tags and archived periods; deletes a removed archive it pushed, never a tag or a branch',
  async (t, transport) => {
    const { dir, ledger, mirrors, remote, server } = await setup(t, { transport });
    await record(ledger, 2, 'm');
    await record(ledger, 2, 'e', 'activity');
    const activity = ledger.head('activity') as string;
    const gitdir = ledger.gitdir;
    git(gitdir, ...ID, 'tag', '-a', '-m', 'checkpoint', 'checkpoints/2026-05-04T1000Z', 'main');
    git(gitdir, 'tag', 'plain', 'main~1');
    git(gitdir, 'update-ref', 'refs/archive/activity/2026-03', `${activity}~1`);
    git(gitdir, 'update-ref', 'refs/archive/activity/2026-04', activity);
    await mirrors.flush();
    assert.equal(refs(remote), refs(gitdir), 'every branch, tag and archived period, as they are here');
    fsckStrict(remote);

    // An archive pushed by someone else, and one of ours changed on the remote behind our back.
    git(remote, 'update-ref', 'refs/archive/activity/foreign', activity);
    git(remote, 'update-ref', 'refs/archive/activity/2026-04', `${activity}~1`);
    // Retention removes two periods; a tag and a moved tag.
    git(gitdir, 'update-ref', '-d', 'refs/archive/activity/2026-03');
    git(gitdir, 'update-ref', '-d', 'refs/archive/activity/2026-04');
    git(gitdir, 'tag', '-d', 'checkpoints/2026-05-04T1000Z');
    git(gitdir, 'tag', '-f', 'plain', 'main');
    const remoteTag = git(remote, 'rev-parse', 'refs/tags/plain');
    await mirrors.flush();
    const after = refs(remote);
    assert.doesNotMatch(after, /refs\/archive\/activity\/2026-03/, 'the period gitrail pushed is removed');
    assert.match(after, new RegExp(`${activity} refs/archive/activity/foreign`), 'an archive it did not push stays');
    assert.match(after, /refs\/archive\/activity\/2026-04/, 'an archive changed on the remote stays');
    assert.match(after, /refs\/tags\/checkpoints\/2026-05-04T1000Z/, 'tags are never deleted');
    assert.equal(git(remote, 'rev-parse', 'refs/tags/plain'), remoteTag, 'nor overwritten');
    assert.match(
      mirrors.status()[0]?.lastError ?? '',
      /^refs\/tags\/plain: push rejected: the tag exists on the remote with another value; gitrail never overwrites a tag/,
    );
    assert.ok(
      server
        .receivedUpdates('audit')
        .every((update) => update.new !== '0'.repeat(40) || update.ref.startsWith('refs/archive/')),
      'only archive refs are ever deleted',
    );
    git(gitdir, 'tag', '-f', 'plain', remoteTag.trim());

    // Removed while gitrail was down: the record in <data>/mirrors/ carries the deletion over a restart.
    git(gitdir, 'update-ref', 'refs/archive/activity/2026-05', activity);
    await mirrors.flush();
    assert.match(refs(remote), /refs\/archive\/activity\/2026-05/);
    await mirrors.stop();
    git(gitdir, 'update-ref', '-d', 'refs/archive/activity/2026-05');
    assert.ok(existsSync(join(dir, 'data', 'mirrors', 'audit.json')));
    const restarted = startMirrors({
      dataDir: join(dir, 'data'),
      mirrors: [MirrorConfig.parse({ url: server.url('audit'), token: { env: 'T' }, transport, interval: '1h' })],
      ledger,
      log,
      env: { T: TOKEN },
    });
    t.after(() => restarted.stop());
    await restarted.flush();
    assert.doesNotMatch(refs(remote), /refs\/archive\/activity\/2026-05/);
    assert.equal(restarted.status()[0]?.state, 'up');
  },
);

transportTest(
  'a new tag or a removed archive is pushed within the interval, without new commits',
  async (t, transport) => {
    const { ledger, mirrors, remote, server } = await setup(t, { transport, interval: 50 });
    await record(ledger, 1, 'w');
    await mirrors.flush();
    git(ledger.gitdir, ...ID, 'tag', '-a', '-m', 'checkpoint', 'checkpoints/2026-05-04T1100Z', 'main');
    git(ledger.gitdir, 'update-ref', 'refs/archive/main/2026-04', 'main');
    await server.waitFor(() => refs(remote) === refs(ledger.gitdir));
    git(ledger.gitdir, 'update-ref', '-d', 'refs/archive/main/2026-04');
    await server.waitFor(() => refs(remote) === refs(ledger.gitdir));
    await mirrors.mirrors[0]?.idle();
    assert.equal(mirrors.status()[0]?.state, 'up');
  },
);
