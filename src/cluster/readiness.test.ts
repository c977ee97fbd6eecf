// `/readyz?role=writer` in cluster mode: a shard this replica writes whose remote lost checkpoints
// this cluster pushed makes the writer role not ready, with the shard's problem as the reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessClusterReadiness, type ClusterReadinessState } from './readiness.ts';

const PROBLEM =
  'shard kubernetes/prod: the remote https://git.example/prod.git lacks checkpoint #12 ' +
  '(refs/tags/checkpoints/20261204T070000Z, tag 1234) that this cluster pushed; refusing to continue the chain';

const state = (problem: string | null, writingHere = true): ClusterReadinessState => ({
  stopping: null,
  replica: 'gitrail-0',
  roles: ['writer'],
  connected: true,
  intakeProblems: [],
  spill: null,
  shards: [
    {
      shard: 'kubernetes/prod',
      holder: 'gitrail-0',
      writingHere,
      state: 'writing',
      lagMessages: 0,
      lagSeconds: 0,
      problem,
    },
  ],
  reader: null,
});

test("a writer refusing a shard's checkpoints is not ready, naming the shard and the missing checkpoint", () => {
  assert.deepEqual(assessClusterReadiness(state(null), 'writer').reasons, []);
  const refused = assessClusterReadiness(state(PROBLEM), 'writer');
  assert.equal(refused.ready, false);
  assert.deepEqual(refused.reasons, [PROBLEM]);
  // Another replica's problem is its own readiness, not this one's.
  assert.equal(assessClusterReadiness(state(PROBLEM, false), 'writer').ready, true);
});
