import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { tempDir } from '../../test/helpers/tmp.ts';
import { checkConfig } from '../config/load.ts';

const DEPLOY = join(import.meta.dirname, '..', '..', 'deploy', 'cluster');
const ENV = { GITRAIL_INGEST_TOKEN: 'ingest-token-0123456789abc', GITRAIL_VIEW_TOKEN: 'view-token-0123456789abcd' };

function check(dir: string, config: Record<string, unknown>, env: NodeJS.ProcessEnv = ENV) {
  const file = join(dir, 'gitrail.yaml');
  writeFileSync(file, yaml.dump(config));
  return checkConfig({ file, env });
}

/** The gitrail.yaml embedded in a deploy manifest's ConfigMap, with its secret files made up in `dir`. */
function manifestConfig(manifest: string, dir: string): Record<string, unknown> {
  const documents = yaml.loadAll(readFileSync(join(DEPLOY, manifest), 'utf8')) as Array<Record<string, any>>;
  const map = documents.find((document) => document?.kind === 'ConfigMap');
  const config = yaml.load(map?.data['gitrail.yaml']) as Record<string, any>;
  writeFileSync(join(dir, 'key'), 'k'.repeat(32));
  writeFileSync(join(dir, 'git-token'), 'git-token-value');
  config['redaction'].keyFile = join(dir, 'key');
  if (config['cluster'].remote) config['cluster'].remote.token = { file: join(dir, 'git-token') };
  return config;
}

test('the deploy manifests hold configurations that pass check-config', (t) => {
  const dir = tempDir(t);
  for (const manifest of ['gitrail.yaml', 'gitrail-statefulset.yaml'])
    assert.deepEqual(check(dir, manifestConfig(manifest, dir)).problems, [], manifest);
});

test('cluster mode refuses what replicas cannot share or do not support yet, naming the key', (t) => {
  const dir = tempDir(t);
  const cluster = { nats: { servers: ['nats://127.0.0.1:4222'] }, remote: { url: 'https://git.example.com/all.git' } };
  const problems = check(
    dir,
    {
      cluster,
      kubernetes: [{ name: 'prod' }],
      eksAudit: [{ cluster: 'prod', region: 'eu-west-1' }],
      aksAudit: [
        {
          resourceId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/prod',
          accountUrl: 'https://shoplogs.blob.core.windows.net',
          accountKey: { env: 'SHOPLOGS_KEY' },
        },
      ],
      mirrors: [{ url: 'https://x/y.git' }],
      checkpoint: { notify: 'audit' },
    },
    {},
  ).problems;
  const has = (pattern: RegExp) =>
    assert.ok(
      problems.some((problem) => pattern.test(problem)),
      `${pattern} in ${problems}`,
    );
  has(/^redaction\.keyFile: every replica must hash secrets with the same key/);
  has(/^intake\.kubernetesAudit\.tokens: every replica must accept the same tokens/);
  has(/^viewer: every replica must accept the same readers/);
  has(/^kubernetes: not available in cluster mode yet/);
  has(/^eksAudit: not available in cluster mode yet/);
  has(/^aksAudit: not available in cluster mode yet/);
  has(/^mirrors: in cluster mode each shard is pushed to cluster\.remote/);
  has(/^checkpoint\.notify: not available in cluster mode yet/);
  has(/^cluster\.remote\.url: has no \{shard\}/);
});

test('shards are only read in cluster mode; a shard that matches nothing is named', (t) => {
  const dir = tempDir(t);
  assert.deepEqual(check(dir, { shards: [{ name: 'prod', kubernetes: ['prod'] }] }).problems, [
    'shards: shards are only used in cluster mode (cluster.nats)',
  ]);
  writeFileSync(join(dir, 'key'), 'k'.repeat(32));
  const problems = check(dir, {
    redaction: { keyFile: join(dir, 'key') },
    cluster: { nats: { servers: ['nats://127.0.0.1:4222'] } },
    shards: [
      { name: 'empty', writers: ['gitrail-0'] },
      { name: 'empty', aws: ['*'] },
    ],
  }).problems;
  assert.deepEqual(problems, [
    'shards[0]: names no kubernetes, aws or generic globs, so nothing would go to it',
    'shards[1].name: empty is listed twice',
    'shards[1]: has no remote (nor cluster.remote), so it needs writers: (the replicas whose volume keeps it)',
  ]);
});
