// The cluster's record of each shard's last pushed checkpoint (issue 11 in cluster mode), with a
// real nats-server: when the newest checkpoint tag is deleted on the remote between two writers,
// the next writer names the missing checkpoint and writes none (the chain is not forked with a
// reused number). It keeps the shard and checks again: once the tag is pushed back (on its
// interval) or the loss is accepted (at once, the KV record changed) it continues the chain,
// after an accepted loss numbered past the lost checkpoint, without a restart.
import assert from 'node:assert/strict';
import { sharedSigningKey } from '../../test/helpers/signing-key.ts';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { git } from '../../test/helpers/git.ts';
import { NatsCluster, until } from '../../test/helpers/nats-cluster.ts';
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
import { startWitnessedCheckpoints } from './witnessed-checkpoints.ts';

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

  /** A writer taking the shard: restore, start the witnessed checkpoints, commit a change. */
  const take = async (name: string, recheckMs = 3_600_000) => {
    const dataDir = join(dir, name);
    const gitdir = join(dataDir, 'repo.git');
    const access = { url: remote, username: 'x', token: null };
    await restoreShard({ gitdir, indexPath: join(dataDir, 'index.db'), remote: access, log });
    const config = Config.parse({ data: dataDir, signing: { keyFile }, checkpoint: { interval: '1h' } });
    const writer = ledgerSettings(config);
    const ledger = await Ledger.open({ dataDir, now, signing: writer.signing, log });
    const options = { settings: { config, writer, env: {}, instruments }, dir: dataDir, ledger, metrics, log, now };
    const witnessed = await startWitnessedCheckpoints(
      { ...options, committedSeq: () => 0, holdsLease: () => true, onCheckpoint: () => undefined },
      { shard: SHARD, kv, remote: access, recheckMs },
    );
    // The test writes the checkpoints: no schedule (a resumed one is due an hour after the remote's last).
    witnessed.checkpoints?.cancel();
    clock += 1000;
    await ledger.apply({ record: change({ path: `kubernetes/prod/core/configmaps/${name}-${clock}.yaml` }) });
    await ledger.flush();
    return {
      gitdir,
      witnessed,
      /** Writes and pushes `count` checkpoints (none while refused). */
      async checkpoint(count: number) {
        for (let n = 0; n < count && witnessed.checkpoints; n += 1) {
          clock += 60_000;
          await witnessed.checkpoints.create('interval');
          git(gitdir, 'push', '--quiet', remote, 'main', 'refs/tags/checkpoints/*:refs/tags/checkpoints/*');
          await witnessed.pushed();
        }
      },
      async close() {
        witnessed.cancel();
        await ledger.close();
      },
    };
  };
  /** One writer session: take the shard, write and push `count` checkpoints, hand it over. */
  const session = async (name: string, count: number) => {
    const writer = await take(name);
    try {
      await writer.checkpoint(count);
      return { gitdir: writer.gitdir, problem: writer.witnessed.problem };
    } finally {
      await writer.close();
    }
  };
  const tags = (gitdir: string) => git(gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n').filter(Boolean);

  const verify = () => verifyRepository({ gitdir: remote, signers: readSigners(signers) });
  return { kv, remote, take, session, tags, verify };
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

test('an accepted loss: the next writer continues numbered past the lost checkpoint, saying so', async (t) => {
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
  assert.match(reset, /^Checkpoint: 3$/m, 'number 2 stays the lost one');
  assert.match(reset, new RegExp(`^Previous: ${first} `, 'm'));
  assert.match(
    reset,
    new RegExp(`^Chain-Reset: #2 ${second} ${lost} missing on remote; loss accepted 2026-12-04T08:00`, 'm'),
  );
  const recorded = await readPushedCheckpoint(kv, SHARD);
  assert.equal(recorded?.name, chain[1]);
  assert.equal(recorded?.number, 3);
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

test('a refused writer resumes on its interval once the missing tag is pushed back, without a restart', async (t) => {
  const { kv, remote, take, session, tags, verify } = await rig(t);
  const a = await session('a', 2);
  const [, second] = tags(remote) as [string, string];
  git(remote, 'tag', '-d', second);
  const b = await take('b', 100);
  t.after(() => b.close());
  assert.match(b.witnessed.problem ?? '', /lacks checkpoint #2/);
  assert.equal(b.witnessed.checkpoints, null);
  git(a.gitdir, 'push', '--quiet', remote, `refs/tags/${second}`);
  await until(async () => b.witnessed.checkpoints !== null, 'the writer resumes its checkpoints');
  assert.equal(b.witnessed.problem, null);
  await b.checkpoint(1);
  const chain = tags(remote);
  assert.equal(chain.length, 3);
  assert.match(git(remote, 'cat-file', 'tag', chain[2] as string), new RegExp(`^Previous: ${second} `, 'm'));
  assert.match(git(remote, 'cat-file', 'tag', chain[2] as string), /^Checkpoint: 3$/m);
  assert.equal((await readPushedCheckpoint(kv, SHARD))?.number, 3);
  assert.deepEqual((await verify()).problems, []);
});

test('a refused writer resumes once the loss is accepted (the KV record changed), without a restart', async (t) => {
  const { kv, remote, take, session, tags, verify } = await rig(t);
  await session('a', 3);
  const [first, second, third] = tags(remote) as [string, string, string];
  git(remote, 'tag', '-d', second, third);
  // Hours between checks: only the KV watch can wake it.
  const b = await take('b');
  t.after(() => b.close());
  assert.match(b.witnessed.problem ?? '', /lacks checkpoint #3/);
  await acceptCheckpointLoss(kv, SHARD, Date.UTC(2026, 11, 4, 8));
  await until(async () => b.witnessed.checkpoints !== null, 'the writer resumes its checkpoints');
  assert.equal(b.witnessed.problem, null);
  await b.checkpoint(2);
  const chain = tags(remote);
  assert.equal(chain.length, 3);
  assert.equal(chain[0], first);
  const numbers = chain.map((tag) => /^Checkpoint: (\d+)$/m.exec(git(remote, 'cat-file', 'tag', tag))?.[1]);
  assert.deepEqual(numbers, ['1', '4', '5'], 'numbered past the lost #2 and #3');
  assert.match(git(remote, 'cat-file', 'tag', chain[1] as string), /^Chain-Reset: #3 /m);
  assert.doesNotMatch(git(remote, 'cat-file', 'tag', chain[2] as string), /^Chain-Reset:/m);
  assert.equal((await readPushedCheckpoint(kv, SHARD))?.number, 5);
  const report = await verify();
  assert.deepEqual(report.problems, []);
  assert.equal(report.checkpoints, 3);
});
