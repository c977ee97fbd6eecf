import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { NatsCluster, until } from '../../test/helpers/nats-cluster.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { ClusterConfig } from './config.ts';
import { leaseKey, readLease, ShardLease, type LeaseHolder } from './lease.ts';
import { NatsLink } from './nats.ts';

const TTL = 3_000;
const holder = (replica: string): LeaseHolder => ({ replica, session: `${replica}-1`, acquiredAt: Date.now() });

test('a shard lease: one holder at a time, renewed, released, expired, taken over, fenced', {
  timeout: 120_000,
}, async (t) => {
  const nats = await NatsCluster.start(tempDir(t), { nodes: 1 });
  t.after(() => nats.close());
  const config = ClusterConfig.parse({
    nats: { servers: nats.urls },
    stream: { replicas: 1 },
    writer: { leaseTtl: TTL },
  });
  const link = new NatsLink(config, {}, 'test', pino({ level: 'silent' }));
  t.after(() => link.close());
  const { leases } = await link.ready();

  const a = await ShardLease.tryAcquire(leases, 'prod', holder('a'), TTL);
  assert.ok(a, 'a free lease is taken');
  assert.equal(await ShardLease.tryAcquire(leases, 'prod', holder('b'), TTL), null, 'a held lease is not');
  assert.equal((await readLease(leases, 'prod'))?.replica, 'a');

  // Renewed every third of the TTL, it outlives the TTL several times over.
  const lost: string[] = [];
  a.keep((reason) => lost.push(reason));
  const renewedPast = Date.now() + 2.5 * TTL;
  await until(() => Date.now() > renewedPast, 'two and a half TTLs', 3 * TTL + 10_000);
  assert.deepEqual(lost, []);
  assert.equal(await ShardLease.tryAcquire(leases, 'prod', holder('b'), TTL), null);

  // Released, it is free at once.
  assert.equal(await a.release(), null);
  const b = await ShardLease.tryAcquire(leases, 'prod', holder('b'), TTL);
  assert.ok(b, 'a released lease is taken at once');
  assert.ok(b.epoch > a.epoch, 'each acquisition has a higher epoch');

  // Not renewed (its holder died), it expires after the TTL and another replica takes it.
  const started = Date.now();
  let c: ShardLease | null = null;
  await until(
    async () => {
      c = await ShardLease.tryAcquire(leases, 'prod', holder('c'), TTL);
      return c !== null;
    },
    'the lease to expire',
    4 * TTL + 20_000,
  );
  assert.ok(Date.now() - started >= TTL * 0.8, 'not before the TTL');

  // Taken away (deleted and re-created by someone else), its holder learns so at the next renewal.
  const cLost: string[] = [];
  (c as unknown as ShardLease).keep((reason) => cLost.push(reason));
  await leases.delete(leaseKey('prod'));
  assert.ok(await ShardLease.tryAcquire(leases, 'prod', holder('d'), TTL));
  await until(() => cLost.length > 0, 'the old holder to notice', 2 * TTL + 10_000);
  assert.match(cLost[0] as string, /taken by another replica|expired/);

  // With NATS gone, the holder fences itself before the TTL could have run out on the server.
  const e = await ShardLease.tryAcquire(leases, 'other', holder('e'), TTL);
  assert.ok(e);
  const eLost: number[] = [];
  e.keep(() => eLost.push(Date.now()));
  const killedAt = Date.now();
  await nats.kill(0);
  await until(() => eLost.length > 0, 'the holder to fence itself', 2 * TTL + 10_000);
  assert.ok((eLost[0] as number) - killedAt < TTL, 'fenced within the TTL');
});
