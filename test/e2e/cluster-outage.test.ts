// Issue 14 acceptance: NATS down for longer than the webhook's retry window. With the spill
// buffer (the default) intake keeps acknowledging, fsynced to <data>/spill, stays ready, and
// forwards everything once NATS is back, also after the replica itself was SIGKILLed meanwhile.
// Without it, intake answers 503 with Retry-After, so the sender keeps the batch; a sender whose
// retry window runs out drops it unacknowledged. Either way nothing acknowledged is lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterRig, CLUSTER_TOKEN } from '../helpers/cluster-rig.ts';
import { auditBody, eventIdCounts } from '../helpers/cluster-checks.ts';
import { postAuditBatch } from '../helpers/daemon-process.ts';
import { fsckStrict } from '../helpers/git.ts';
import { auditEvent, auditId } from '../helpers/intake-fixtures.ts';
import { until } from '../helpers/nats-cluster.ts';

const SHARD = 'kubernetes-prod';
const BATCH = 20;
const URL_PATH = '/ingest/kubernetes/prod/audit';

async function postOnce(url: string, first: number): Promise<Response> {
  const response = await fetch(`${url}${URL_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLUSTER_TOKEN}`, 'content-type': 'application/json' },
    body: auditBody(first, BATCH),
  });
  await response.arrayBuffer();
  return response;
}

async function readiness(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('NATS down for longer than the retry window: intake spills durably and forwards afterwards', {
  timeout: 600_000,
}, async (t) => {
  const rig = await ClusterRig.start(t, {
    natsNodes: 3,
    replicas: 1,
    shards: [SHARD],
  });
  const replica = () => rig.replica(0);
  assert.equal((await postOnce(replica().url, 0)).status, 202);

  for (let node = 0; node < 3; node += 1) await rig.nats.kill(node);
  // Every batch is acknowledged while NATS is away: spilled, fsynced, never left to the sender's retries.
  for (let batch = 1; batch <= 10; batch += 1)
    assert.equal((await postOnce(replica().url, batch * BATCH)).status, 202, `batch ${batch} acknowledged`);
  const during = await readiness(replica().url);
  assert.equal(during.status, 200, 'still ready: the spill buffer has room');
  assert.deepEqual((during.body['cluster'] as { spill: { entries: number } }).spill.entries > 0, true);

  // The replica dies too; what it spilled is on its disk and is forwarded by the next start.
  await rig.killReplica(0);
  await rig.startReplica(0);
  for (let batch = 11; batch <= 15; batch += 1)
    assert.equal((await postOnce(replica().url, batch * BATCH)).status, 202);
  for (let node = 0; node < 3; node += 1) rig.nats.restart(node);
  await rig.nats.waitHealthy();

  await until(() => eventIdCounts(rig.remote(SHARD)).size >= 16 * BATCH, 'every spilled event on the remote', 300_000);
  const counts = eventIdCounts(rig.remote(SHARD));
  const missing = Array.from({ length: 16 * BATCH }, (_, index) => auditId(index)).filter((id) => !counts.has(id));
  assert.deepEqual(missing, []);
  assert.deepEqual(
    [...counts.values()].filter((count) => count > 1),
    [],
    'none twice',
  );
  fsckStrict(rig.remote(SHARD));
  await until(
    async () =>
      ((await readiness(replica().url)).body['cluster'] as { spill: { entries: number } }).spill.entries === 0,
    'the spill buffer to be empty',
    120_000,
  );
});

test('without the spill buffer, intake answers 503 while NATS is away; nothing acknowledged is lost', {
  timeout: 600_000,
}, async (t) => {
  const rig = await ClusterRig.start(t, {
    natsNodes: 1,
    replicas: 1,
    streamReplicas: 1,
    shards: [SHARD],
    cluster: { spill: { enabled: false } },
  });
  const url = rig.replica(0).url;
  // The first batch is retried like the apiserver's webhook would (a loaded machine may still be electing the
  // stream's leader); the message ids make a retry harmless.
  await until(async () => (await postOnce(url, 0)).status === 202, 'intake to accept the first batch', 60_000);
  await rig.nats.kill(0);
  const refused = await postOnce(url, BATCH);
  assert.equal(refused.status, 503, 'the sender is told to retry');
  assert.ok(refused.headers.get('retry-after'));
  assert.equal((await readiness(url)).status, 503, 'not ready: the Service sends intake elsewhere');
  // The apiserver's webhook retries with backoff, then drops the batch (scaled down here): not acknowledged.
  const items = Array.from({ length: BATCH }, (_, n) => auditEvent(2 * BATCH + n));
  assert.equal(await postAuditBatch(`${url}${URL_PATH}`, CLUSTER_TOKEN, items), false);

  rig.nats.restart(0);
  await rig.nats.waitHealthy();
  await until(async () => (await postOnce(url, 3 * BATCH)).status === 202, 'intake to accept again', 120_000);
  await until(() => eventIdCounts(rig.remote(SHARD)).size >= 2 * BATCH, 'the acknowledged events', 300_000);
  const counts = eventIdCounts(rig.remote(SHARD));
  for (const first of [0, 3 * BATCH])
    for (let n = 0; n < BATCH; n += 1) assert.equal(counts.get(auditId(first + n)), 1);
  assert.equal(counts.has(auditId(BATCH)), false, 'the refused batch was never acknowledged nor recorded');
});
