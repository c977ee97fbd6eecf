import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditEvent, auditId, eventList } from '../helpers/intake-fixtures.ts';
import { ClusterRig, CLUSTER_TOKEN } from '../helpers/cluster-rig.ts';
import { post } from '../helpers/daemon-process.ts';
import { until } from '../helpers/nats-cluster.ts';
import { git, fsckStrict } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

test('smoke', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const rig = await ClusterRig.start({ dir, natsNodes: 1, replicas: 1, shards: ['kubernetes-prod'] });
  t.after(() => rig.close());
  const r = rig.replica(0);
  const res = await post(
    `${r.url}/ingest/kubernetes/prod/audit`,
    CLUSTER_TOKEN,
    eventList([auditEvent(1), auditEvent(2)]),
  );
  console.log(res);
  t.after(() => console.log(r.logs.map((l) => JSON.stringify(l)).join('\n')));
  await until(
    () => {
      try {
        return (
          git(rig.remote('kubernetes-prod'), 'for-each-ref').includes('main') &&
          git(rig.remote('kubernetes-prod'), 'log', '--oneline', 'main').trim().split('\n').length === 2
        );
      } catch {
        return false;
      }
    },
    'pushed',
    20_000,
  );
  console.log(git(rig.remote('kubernetes-prod'), 'log', '--format=%H %s%n%(trailers)', 'main'));
  fsckStrict(rig.remote('kubernetes-prod'));
  const ready = await fetch(`${r.url}/readyz`).then((x) => x.json());
  console.log(JSON.stringify(ready, null, 1));
  console.log(
    r.logs
      .filter((l) => (l.level as number) >= 40)
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );
  void auditId;
  void assert;
});
