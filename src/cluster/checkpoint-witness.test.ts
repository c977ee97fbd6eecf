// The cluster's record of each shard's last pushed checkpoint (issue 11 in cluster mode), with a
// real nats-server: when the newest checkpoint tag is deleted on the remote between two writers,
// the next writer names the missing checkpoint and writes none (the chain is not forked with a
// reused number); once the tag is pushed back, the next writer continues the chain after it.
import assert from 'node:assert/strict';
import { sharedSigningKey } from '../../test/helpers/signing-key.ts';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { git } from '../../test/helpers/git.ts';
import { NatsCluster } from '../../test/helpers/nats-cluster.ts';
import { change } from '../../test/helpers/notify-rig.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { ledgerSettings } from '../config/ledger-settings.ts';
import { Config } from '../config/schema.ts';
import { checkpointInstruments } from '../daemon/checkpoints.ts';
import { Ledger } from '../ledger/ledger.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { readSigners } from '../signing/key-store.ts';
import { verifyRepository } from '../verify/verify.ts';
import { acceptCheckpointLoss, readPushedCheckpoint } from './checkpoint-witness.ts';
import { restoreShard } from './restore.ts';
import { startWitnessedCheckpoints } from './shard-checkpoints.ts';

const log = pino({ level: 'silent' });
const SHARD = 'kubernetes/prod';

async function rig(t: TestContext) {
  const dir = tempDir(t);
  const nats = await NatsCluster.start(dir, { nodes: 1 });
  t.after(() => nats.close());
  const nc = await connect({ servers: nats.urls });
  t.after(() => nc.close());
  const kv = await new Kvm(nc).create('gitrail-checkpoints', { history: 1 });
  const remote = join(dir, 'remote.git');
  execFileSync('git', ['init', '--quiet', '--bare', remote]);
  const { keyFile, signers } = sharedSigningKey(dir);
  let clock = Date.UTC(2026, 11, 4, 7);
  const now = () => clock;
  const metrics = createMetrics({ now });
  const instruments = checkpointInstruments(metrics.registry, now);

  /** One writer session taking the shard: restore, commit a change, write and push `count` checkpoints. */
  const session = async (name: string, count: number) => {
    const dataDir = join(dir, name);
    const gitdir = join(dataDir, 'repo.git');
    const access = { url: remote, username: 'x', token: null };
    await restoreShard({ gitdir, indexPath: join(dataDir, 'index.db'), remote: access, log });
    const config = Config.parse({ data: dataDir, signing: { keyFile }, checkpoint: { interval: '1h' } });
    const writer = ledgerSettings(config);
    const ledger = await Ledger.open({ dataDir, now, signing: writer.signing, log });
    try {
      const options = { settings: { config, writer, env: {}, instruments }, dir: dataDir, ledger, metrics, log, now };
      const witnessed = await startWitnessedCheckpoints(
        { ...options, committedSeq: () => 0, holdsLease: () => true, onCheckpoint: () => undefined },
        { shard: SHARD, kv, remote: access },
      );
      witnessed.checkpoints?.cancel();
      clock += 1000;
      await ledger.apply({ record: change({ path: `kubernetes/prod/core/configmaps/${name}-${clock}.yaml` }) });
      await ledger.flush();
      for (let n = 0; n < count && witnessed.checkpoints; n += 1) {
        clock += 60_000;
        await witnessed.checkpoints.create('interval');
        git(gitdir, 'push', '--quiet', remote, 'main', 'refs/tags/checkpoints/*:refs/tags/checkpoints/*');
        await witnessed.pushed();
      }
      return { gitdir, problem: witnessed.problem };
    } finally {
      await ledger.close();
    }
  };
  const tags = (gitdir: string) => git(gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n').filter(Boolean);

  const verify = () => verifyRepository({ gitdir: remote, signers: readSigners(signers) });
  return { kv, remote, session, tags, verify };
}

test('a remote that lost the last pushed checkpoint gets no checkpoint until the tag is back', async (t) => {
  const { kv, remote, session, tags, verify } = await rig(t);
  // A writes and pushes checkpoints #1 and #2; the cluster records #2.
  const a = await session('a', 2);
  const [first, second] = tags(remote) as [string, string];
  assert.equal((await readPushedCheckpoint(kv, SHARD))?.number, 2);
  // Someone deletes #2 on the remote. B takes the shard: it refuses to continue the chain from #1.
  git(remote, 'tag', '-d', second);
  const b = await session('b', 1);
  assert.equal(
    b.problem?.split(' that this cluster pushed')[0],
    `shard ${SHARD}: the remote ${remote} lacks checkpoint #2 (refs/tags/${second}, ` +
      `tag ${git(a.gitdir, 'rev-parse', `refs/tags/${second}`).trim()})`,
  );
  assert.match(b.problem ?? '', /refusing to continue the chain/);
  assert.deepEqual(tags(remote), [first], 'no checkpoint reusing #2 was written');
  assert.equal((await readPushedCheckpoint(kv, SHARD))?.number, 2, 'the record is kept');
  // The tag is pushed back from A's clone: the next writer continues after #2.
  git(a.gitdir, 'push', '--quiet', remote, `refs/tags/${second}`);
  const c = await session('b', 1);
  assert.equal(c.problem, null);
  const chain = tags(remote);
  assert.equal(chain.length, 3);
  assert.match(git(remote, 'cat-file', 'tag', chain[2] as string), /^Checkpoint: 3$/m);
  assert.equal((await readPushedCheckpoint(kv, SHARD))?.number, 3);
  const report = await verify();
  assert.deepEqual(report.problems, []);
  assert.equal(report.checkpoints, 3);
});

test('an accepted loss lets the next writer continue from the remote, saying so in Chain-Reset:', async (t) => {
  const { kv, remote, session, tags, verify } = await rig(t);
  const a = await session('a', 2);
  const [first, second] = tags(remote) as [string, string];
  const lost = git(a.gitdir, 'rev-parse', `refs/tags/${second}`).trim();
  git(remote, 'tag', '-d', second);
  assert.match((await session('b', 1)).problem ?? '', /lacks checkpoint #2/);
  await acceptCheckpointLoss(kv, SHARD, Date.UTC(2026, 11, 4, 8));
  assert.equal((await session('b', 1)).problem, null);
  const chain = tags(remote);
  assert.equal(chain.length, 2);
  assert.equal(chain[0], first);
  const reset = git(remote, 'cat-file', 'tag', chain[1] as string);
  assert.match(
    reset,
    new RegExp(`^Chain-Reset: #2 ${second} ${lost} missing on remote; loss accepted 2026-12-04T08:00`, 'm'),
  );
  const recorded = await readPushedCheckpoint(kv, SHARD);
  assert.equal(recorded?.name, chain[1]);
  assert.equal(recorded?.acceptedLoss, undefined);
  const report = await verify();
  assert.deepEqual(report.problems, []);
  assert.deepEqual(
    report.notes.filter((note) => note.includes('Chain-Reset')),
    [
      `checkpoint ${chain[1]}: the chain was reset; ` +
        `Chain-Reset: #2 ${second} ${lost} missing on remote; loss accepted ` +
        '2026-12-04T08:00:00.000Z',
    ],
  );
});
