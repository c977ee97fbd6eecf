// A shard's checkpoint chain across writers (issue 11 in cluster mode): restoring takes the
// checkpoint tags as the remote holds them, so a writer that comes back with a checkpoint it
// never pushed (another writer continued the chain meanwhile) continues the remote's chain
// instead of forking it, and the remote verifies as one chain.
import assert from 'node:assert/strict';
import { sharedSigningKey } from '../../test/helpers/signing-key.ts';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { git } from '../../test/helpers/git.ts';
import { change } from '../../test/helpers/notify-rig.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Checkpointer } from '../checkpoint/checkpointer.ts';
import { Ledger } from '../ledger/ledger.ts';
import { readSigners } from '../signing/key-store.ts';
import { verifyRepository } from '../verify/verify.ts';
import { restoreShard } from './restore.ts';

const log = pino({ level: 'silent' });
const TAGGER = { name: 'gitrail', email: 'gitrail@localhost' };

test('a writer back with an unpushed checkpoint continues the remote chain, never forking it', async (t) => {
  const dir = tempDir(t);
  const remote = join(dir, 'remote.git');
  execFileSync('git', ['init', '--quiet', '--bare', remote]);
  const { keyFile, signers } = sharedSigningKey(dir);
  let clock = Date.UTC(2026, 4, 1, 10);
  const now = () => clock;

  /** One writer session: restore, commit one change, write `checkpoints` checkpoints, push them when asked. */
  const session = async (name: string, checkpoints: number, push: boolean) => {
    const dataDir = join(dir, name);
    const gitdir = join(dataDir, 'repo.git');
    await restoreShard({
      gitdir,
      indexPath: join(dataDir, 'index.db'),
      remote: { url: remote, username: 'x', token: null },
      log,
    });
    const ledger = await Ledger.open({ dataDir, now, signing: { file: { path: keyFile, where: 'test' } }, log });
    try {
      const checkpointer = await Checkpointer.open({ dataDir, ledger, tagger: TAGGER, now, journalSeq: () => 0 });
      clock += 1000;
      await ledger.apply({ record: change({ path: `kubernetes/prod/core/configmaps/${name}-${clock}.yaml` }) });
      await ledger.flush();
      for (let n = 0; n < checkpoints; n += 1) {
        clock += 1000;
        await checkpointer.create('interval');
      }
      if (push) git(gitdir, 'push', '--quiet', remote, 'main', 'refs/tags/checkpoints/*:refs/tags/checkpoints/*');
      return gitdir;
    } finally {
      await ledger.close();
    }
  };
  const tags = (gitdir: string) => git(gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n').filter(Boolean);
  const previousOf = (gitdir: string, tag: string) =>
    /^Previous: (\S+)/m.exec(git(gitdir, 'cat-file', 'tag', tag))?.[1] ?? '';

  // A writes and pushes checkpoint 1, then writes checkpoint 2 and dies before pushing it.
  const a = await session('a', 1, true);
  await session('a', 1, false);
  const [pushedByA, unpushed] = tags(a) as [string, string];
  // B takes the shard: restored from the remote, it continues after checkpoint 1.
  await session('b', 1, true);
  const [, byB] = tags(remote) as [string, string];
  assert.equal(previousOf(remote, byB), pushedByA);
  // A comes back: its unpushed checkpoint is dropped, the next one follows B's.
  await session('a', 1, true);
  assert.ok(!tags(a).includes(unpushed), 'the checkpoint never pushed is not kept');
  const chain = tags(remote);
  assert.equal(chain.length, 3);
  assert.equal(previousOf(remote, chain[2] as string), byB);
  assert.match(git(remote, 'cat-file', 'tag', chain[2] as string), /^Checkpoint: 3$/m);
  const report = await verifyRepository({ gitdir: remote, signers: readSigners(signers) });
  assert.deepEqual(report.problems, []);
  assert.equal(report.checkpoints, 3);
});
