// What the watch reads of the repository from the index: live files under a folder (filtered
// in SQL by a glob), the last change of a file and the blob it has now.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IndexDb } from '../../index/index-db.ts';
import { kubernetesPath } from '../../normalise/paths.ts';
import { reconcileScope } from './collections.ts';
import { RecordedState } from './recorded-state.ts';
import type { ResourceType } from './resource-filter.ts';

function indexWith(
  changes: ReadonlyArray<readonly [path: string, seq: number, op: 'A' | 'M' | 'D', blob: string | null]>,
): IndexDb {
  const index = new IndexDb(':memory:');
  const pathId = index.db.prepare(
    'INSERT INTO paths(path) VALUES (?) ON CONFLICT(path) DO UPDATE SET path = excluded.path RETURNING id',
  );
  const insert = index.db.prepare('INSERT INTO changes(path, seq, op, blob) VALUES (?, ?, ?, ?)');
  for (const [path, seq, op, blob] of changes) {
    insert.run((pathId.get(path) as { id: number }).id, seq, op, blob);
  }
  return index;
}

test('live files of one type across namespaces are found by a glob, deleted ones left out', () => {
  const deployments: ResourceType = {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    namespaced: true,
  };
  const cluster = 'eu[1]*';
  const path = (namespace: string, group: string, resource: string, name: string): string =>
    kubernetesPath({ cluster, namespace, group, resource, name });
  const index = indexWith([
    [path('default', 'apps', 'deployments', 'web'), 1, 'A', 'b1'],
    [path('team-a', 'apps', 'deployments', 'api'), 2, 'A', 'b2'],
    [path('team-a', 'apps', 'deployments', 'api'), 3, 'M', 'b3'],
    [path('team-a', 'apps', 'deployments', 'old'), 4, 'A', 'b4'],
    [path('team-a', 'apps', 'deployments', 'old'), 5, 'D', null],
    [path('default', 'apps', 'statefulsets', 'db'), 6, 'A', 'b6'],
    [path('default', '', 'configmaps', 'app'), 7, 'A', 'b7'],
    [
      kubernetesPath({ cluster: 'eu[1]x', namespace: 'default', group: 'apps', resource: 'deployments', name: 'web' }),
      8,
      'A',
      'b8',
    ],
  ]);
  const state = new RecordedState(index);
  const scope = reconcileScope(cluster, { type: deployments }, () => true);
  assert.deepEqual(state.liveFilesUnder(scope.prefix, scope.glob), [
    { path: path('default', 'apps', 'deployments', 'web'), seq: 1 },
    { path: path('team-a', 'apps', 'deployments', 'api'), seq: 3 },
  ]);
  assert.equal(state.liveFilesUnder(scope.prefix).length, 4, 'without a glob: every live file under the prefix');
  assert.equal(state.currentBlob(path('team-a', 'apps', 'deployments', 'api')), 'b3');
  assert.equal(state.currentBlob(path('team-a', 'apps', 'deployments', 'old')), null);
  assert.deepEqual({ ...state.latest(path('team-a', 'apps', 'deployments', 'api')) }, { op: 'M', blob: 'b3', seq: 3 });
  assert.deepEqual({ ...state.latest(path('team-a', 'apps', 'deployments', 'old')) }, { op: 'D', blob: null, seq: 5 });
  assert.equal(state.latest('kubernetes/never/written.yaml'), null);
  index.db.close();
});
