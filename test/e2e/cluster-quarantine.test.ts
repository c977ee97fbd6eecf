// Issue 10 in cluster mode: a record that passes the edge but that the ledger cannot write (changes
// that each fit but together grow a file past 3 MiB) is held in the shard's quarantine
// and the writer goes on. Without it the shard session ended on the drainer's failure and the
// stream delivered the same record again, for ever: nothing after it was committed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ClusterRig } from '../helpers/cluster-rig.ts';
import { eventIdCounts, postUntilAcknowledged } from '../helpers/cluster-checks.ts';
import { fsckStrict } from '../helpers/git.ts';
import { until } from '../helpers/nats-cluster.ts';

const SHARD = 'generic';

test('cluster: a record the ledger cannot write is quarantined on its shard; later events are committed', {
  timeout: 300_000,
}, async (t) => {
  const rig = await ClusterRig.start(t, { natsNodes: 1, replicas: 1, shards: [SHARD] });
  const time = new Date(Date.now() - 60_000).toISOString();
  const flag = (id: string) => ({ id, time, actor: 'ci', path: `flags/${id}`, object: { on: true } });
  // Four parts of 800 KB, each posted alone (a NATS message holds 1 MiB): the fourth would make the file 3.2 MB.
  const part = (id: string, letters: string) => ({
    id,
    time,
    actor: 'ci',
    path: 'docs/big',
    changes: { [letters]: { newValue: letters.repeat(80_000) } },
  });
  const bodies = [
    [flag('before'), part('grow-a', 'abcdefghij')],
    [part('grow-b', 'klmnopqrst')],
    [part('grow-c', 'uvwxyzABCD')],
    [part('grow-d', 'EFGHIJKLMN'), flag('same-body')],
    [flag('later')],
  ];
  for (const body of bodies)
    await postUntilAcknowledged(rig, '/ingest/events/cq', JSON.stringify(body), 0, (status) => {
      throw new Error(`refused: ${status}`);
    });

  const expected = ['before', 'grow-a', 'grow-b', 'grow-c', 'same-body', 'later'];
  await until(() => {
    const counts = eventIdCounts(rig.remote(SHARD));
    return expected.every((id) => counts.has(id));
  }, 'the events around the poisoned one on the remote');
  const counts = eventIdCounts(rig.remote(SHARD));
  assert.deepEqual([...counts.keys()].sort(), [...expected].sort(), 'grow-d is not committed');
  assert.deepEqual(
    [...counts].filter(([, count]) => count !== 1),
    [],
  );
  fsckStrict(rig.remote(SHARD));

  const dir = join(rig.dataDir(0), 'shards', SHARD, 'quarantine');
  const held = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map(
      (name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as { eventId: string; error: { message: string } },
    );
  assert.deepEqual(
    held.map((entry) => entry.eventId),
    ['grow-d'],
  );
  assert.match(held[0]?.error.message ?? '', /bytes of YAML/);
});
