import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeBatch } from '../domain/batch.ts';
import type { AttributionFact, ChangeRecord } from '../domain/change.ts';
import { ShardConfig } from './config.ts';
import { ShardMap } from './shard-map.ts';

function record(path: string, trailers: Array<[string, string]> = []): ChangeRecord {
  return {
    eventId: `e-${path}`,
    branch: path.startsWith('activity/') ? 'activity' : 'main',
    path,
    update: { kind: 'put', doc: { a: 1 } },
    author: { name: 'alice', email: 'alice@example.com' },
    time: 0,
    subject: 'update',
    trailers,
    source: 'test',
  };
}

const fact = (cluster: string): AttributionFact => ({
  cluster,
  path: `kubernetes/${cluster}/namespaces/a/core/configmaps/x.yaml`,
  actor: { name: 'bob', email: 'bob@example.com' },
  verb: 'patch',
  time: 0,
  eventId: 'f',
  trailers: [],
});

test('by default each cluster and each account has its own shard, generic sources share one', () => {
  const map = new ShardMap([]);
  const batch: ChangeBatch = {
    source: 'mixed',
    receivedAt: 1,
    changes: [
      record('kubernetes/prod/namespaces/a/core/configmaps/x.yaml'),
      record('aws/111122223333/global/iam/Role/deploy.yaml'),
      record('custom/hooks/a.yaml'),
      record('kubernetes/prod.eu/cluster/core/namespaces/b.yaml'),
      record('activity/kubernetes-audit/2026/03/02/10/e1.yaml', [['Cluster', 'staging']]),
      record('activity/cloudtrail/2026/03/02/10/e2.yaml', [['Account', '444455556666']]),
      record('kubernetes/prod/namespaces/a/core/configmaps/y.yaml'),
    ],
    facts: [fact('prod')],
    ignored: 3,
    rejected: 1,
  };
  const parts = map.split(batch);
  assert.deepEqual(
    parts.map((part) => [part.shard, part.batch.changes.map((change) => change.path.split('/').at(-1))]),
    [
      ['kubernetes-prod', ['x.yaml', 'y.yaml']],
      ['aws-111122223333', ['deploy.yaml']],
      ['generic', ['a.yaml']],
      ['kubernetes-prod_eu', ['b.yaml']],
      ['kubernetes-staging', ['e1.yaml']],
      ['aws-444455556666', ['e2.yaml']],
    ],
  );
  assert.equal(parts[0]?.batch.facts.length, 1, 'the fact goes with its cluster');
  assert.deepEqual(
    parts.map((part) => [part.batch.ignored, part.batch.rejected]),
    [
      [3, 1],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ],
    'the counts stay with the first part only',
  );
});

test('a resource on main is placed by its path, whatever its trailers say', () => {
  const map = new ShardMap([]);
  const [part] = map.split({
    source: 'cloudtrail',
    receivedAt: 1,
    changes: [record('aws/999988887777/us-east-1/s3/Bucket/b.yaml', [['Account', '111122223333']])],
    facts: [],
    ignored: 0,
    rejected: 0,
  });
  assert.equal(part?.shard, 'aws-999988887777');
});

test('configured shards take what their globs match, first match first; the rest falls to the defaults', () => {
  const map = new ShardMap([
    ShardConfig.parse({ name: 'prod', kubernetes: ['prod', 'prod-*'] }),
    ShardConfig.parse({ name: 'all-aws', aws: ['*'] }),
    ShardConfig.parse({ name: 'catch-prod', kubernetes: ['prod*'] }),
  ]);
  assert.equal(map.shardOf({ kind: 'kubernetes', name: 'prod-eu' }), 'prod');
  assert.equal(map.shardOf({ kind: 'kubernetes', name: 'prodx' }), 'catch-prod');
  assert.equal(map.shardOf({ kind: 'kubernetes', name: 'dev' }), 'kubernetes-dev');
  assert.equal(map.shardOf({ kind: 'aws', name: '111122223333' }), 'all-aws');
  assert.equal(map.shardOf({ kind: 'generic', name: 'hooks' }), 'generic');
});

test('a commit read back names the shard its record went to, detours by the resource they stand for', () => {
  const map = new ShardMap([]);
  assert.equal(
    map.shardOfCommit({ Source: 'kubernetes-audit', Cluster: 'prod' }, [
      'kubernetes/prod/cluster/core/namespaces/a.yaml',
    ]),
    'kubernetes-prod',
  );
  assert.equal(
    map.shardOfCommit({ Cluster: 'prod', 'Resource-Path': 'kubernetes/dev/cluster/core/namespaces/a.yaml' }, [
      'activity/kubernetes/2026/03/02/10/x-late-1.yaml',
    ]),
    'kubernetes-dev',
  );
  assert.equal(map.shardOfCommit({ Source: 'generic/hooks' }, ['activity/generic/2026/03/02/10/x.yaml']), 'generic');
});

test('a path is placed by what its path grammar reads: cluster, account, custom source; GCP is generic', () => {
  const map = new ShardMap([ShardConfig.parse({ name: 'gcp-shop', generic: ['gcp/shop'] })]);
  const shardOfPath = (path: string) =>
    map.split({ source: 's', receivedAt: 1, changes: [record(path)], facts: [], ignored: 0, rejected: 0 })[0]?.shard;
  assert.equal(shardOfPath('kubernetes/prod%2Eeu/namespaces/a/apps/deployments/web.status.yaml'), 'kubernetes-prod_eu');
  assert.equal(shardOfPath('aws/111122223333/global/iam/Role/deploy.yaml'), 'aws-111122223333');
  assert.equal(shardOfPath('custom/hooks/deploys/web.yaml'), 'generic');
  assert.equal(shardOfPath('gcp/shop/europe-west1/secretmanager/secrets/db.yaml'), 'gcp-shop');
  assert.equal(shardOfPath('gcp/other/global/compute/instances/vm-1.yaml'), 'generic');
});
