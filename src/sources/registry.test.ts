// Every live source is registered, builds from its gitrail.yaml section and keeps the Source
// contract (ids, status before, during and after a run that is stopped); cross-field rules.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { load as loadYaml } from 'js-yaml';
import pino from 'pino';
import { Registry } from 'prom-client';
import { IndexDb } from '../index/index-db.ts';
import { createRedactor } from '../normalise/redact.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { checkLiveSources, LiveSourcesConfig } from './live-config.ts';
import { buildLiveSources, LIVE_SOURCES } from './registry.ts';
import type { SourceContext } from './source.ts';
import { registerSourceMetrics } from './status-metrics.ts';

const here = import.meta.dirname;
const redact = createRedactor(Buffer.alloc(32, 3));
const AKS_PROD = '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/prod';

const SAMPLE = `
kubernetes:
  - name: production
    context: prod-admin
    resync: "*/15 * * * *"
    events:
      exclusions:
        reasons: [SuccessfulCreate, Pulling, Pulled, Started, Created]
      severityKeywords:
        error: [failed, error]
        warn: [backoff, unhealthy, oom]
  - name: staging
    inCluster: true
    namespaces: { include: [apps, web] }
    resources: { pods: true }
cloudtrail:
  - account: "111122223333"
    regions: [eu-west-1, eu-central-1]
    maxAge: 7d
    exclude: [DescribeInstances, DescribeVolumes, GetObject]
    include: ["AWS::IAM::*", "AWS::EC2::SecurityGroup"]
  - account: "444455556666"
    profile: audit
cloudtrailS3:
  - bucket: org-trail-logs
    prefix: trails/main
    organizationId: o-abcdef1234
    accounts: ["111122223333"]
    regions: [eu-west-1, us-east-1]
eksAudit:
  - cluster: shop
    region: eu-west-1
  - logGroupName: /aws/eks/payments/cluster
    region: eu-central-1
    pollInterval: 1m
aksAudit:
  - resourceId: /subscriptions/0/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/Prod
    accountUrl: https://shoplogs.blob.core.windows.net
    accountKey: { env: SHOPLOGS_KEY }
`;

test('every folder with a live source is registered', () => {
  const folders = readdirSync(here, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const live = folders.filter((folder) =>
    readdirSync(join(here, folder)).some(
      (file) => file.endsWith('.ts') && /\bimplements Source\b/.test(readFileSync(join(here, folder, file), 'utf8')),
    ),
  );
  assert.deepEqual(live.sort(), LIVE_SOURCES.map((kind) => kind.folder).sort());
});

test(
  'gitrail.yaml sections build one source per cluster and per account and region, plus the global ' + 'reader',
  async () => {
    const config = LiveSourcesConfig.parse(loadYaml(SAMPLE));
    assert.deepEqual(checkLiveSources(config), []);
    const ids = (await buildLiveSources(config, { redact })).map((source) => source.id);
    assert.deepEqual(ids, [
      'kubernetes/production',
      'kubernetes/staging',
      'cloudtrail/111122223333/eu-west-1',
      'cloudtrail/111122223333/eu-central-1',
      'cloudtrail/111122223333/us-east-1/global',
      'cloudtrail/444455556666/us-east-1',
      'cloudtrail-s3/org-trail-logs/111122223333/eu-west-1',
      'cloudtrail-s3/org-trail-logs/111122223333/us-east-1',
      'eks-audit/shop',
      'eks-audit/payments',
      'aks-audit/prod',
    ]);
    assert.deepEqual(LiveSourcesConfig.parse({}), {
      kubernetes: [],
      cloudtrail: [],
      cloudtrailS3: [],
      eksAudit: [],
      aksAudit: [],
    });
  },
);

test('the example configuration is valid and builds its sources', async () => {
  const text = readFileSync(join(here, '..', '..', 'examples', 'live-sources.gitrail.yaml'), 'utf8');
  const config = LiveSourcesConfig.parse(loadYaml(text));
  assert.deepEqual(checkLiveSources(config), []);
  assert.equal((await buildLiveSources(config, { redact })).length, 2 + 3 + 1 + 1 + 1 + 4 + 1 + 1);
  // The 6-field form (seconds first) that node-cron accepts is shown too.
  const schedules = [...text.matchAll(/(?:resync|schedule): "([^"]+)"/g)].map((match) => match[1] as string);
  assert.ok(schedules.some((expression) => expression.split(' ').length === 6));
});

test('bad sections get errors naming the key and the reason', () => {
  const result = LiveSourcesConfig.safeParse({
    kubernetes: [
      { name: 'a', resync: 'every day' },
      { name: 'b', inCluster: true, context: 'x' },
    ],
    cloudtrail: [
      { account: '12', regions: ['mars-1'] },
      { account: '111122223333', maxAge: 'a week' },
    ],
    eksAudit: [
      { region: 'eu-west-1', logGroupName: '/eks/prod' },
      { cluster: 'prod', pollInterval: '10ms' },
    ],
    aksAudit: [
      { name: 'prod', accountUrl: 'https://shoplogs.blob.core.windows.net' },
      { resourceId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/x' },
    ],
  });
  assert.equal(result.success, false);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  assert.deepEqual(problems, [
    'kubernetes.0.resync: not a node-cron expression (5 or 6 fields, e.g. "*/15 * * * *")',
    'kubernetes.1: inCluster cannot be combined with kubeconfig or context',
    'cloudtrail.0.account: an AWS account id has 12 digits',
    'cloudtrail.0.regions.0: not an AWS region name (e.g. eu-west-1)',
    'cloudtrail.1.maxAge: "a week" is not a duration (use e.g. 30s, 5m, 4h, 7d)',
    'eksAudit.0.cluster: set cluster (the name used in paths), or a logGroupName of the form ' +
      '/aws/eks/<cluster>/cluster',
    'eksAudit.1.region: Invalid input: expected string, received undefined',
    'eksAudit.1.pollInterval: pollInterval must be at least 1s',
    'aksAudit.0.resourceId: set resourceId of the managed cluster, or subscription, resourceGroup and name',
    'aksAudit.0.accountKey: set one credential: connectionString, accountKey, sasToken, sasUrl or auth',
    'aksAudit.1.resourceId: not an AKS resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/' +
      'Microsoft.ContainerService/managedClusters/<name>)',
    'aksAudit.1.accountKey: set one credential: connectionString, accountKey, sasToken, sasUrl or auth',
  ]);
  const duplicated = LiveSourcesConfig.parse({
    kubernetes: [{ name: 'prod' }, { name: 'prod', context: 'other' }],
    cloudtrail: [
      { account: '111122223333', regions: ['eu-west-1', 'eu-west-1'] },
      { account: '111122223333', regions: ['eu-west-1'] },
    ],
  });
  assert.deepEqual(checkLiveSources(duplicated), [
    'kubernetes[1].name: cluster "prod" is already configured at kubernetes[0]',
    'cloudtrail[0].regions: eu-west-1 is listed twice',
    'cloudtrail[1].regions: eu-west-1 of account 111122223333 is already polled by cloudtrail[0]',
  ]);
  const trails = LiveSourcesConfig.parse({
    cloudtrailS3: [
      { bucket: 'logs', accounts: ['111122223333'], regions: ['eu-west-1'] },
      { bucket: 'logs', accounts: ['111122223333'], regions: ['eu-west-1'] },
    ],
  });
  const clusters = LiveSourcesConfig.parse({
    eksAudit: [
      { cluster: 'prod', region: 'eu-west-1' },
      { logGroupName: '/aws/eks/prod/cluster', region: 'eu-west-1' },
    ],
  });
  assert.deepEqual(checkLiveSources(clusters), ['eksAudit[1]: cluster "prod" is already polled by eksAudit[0]']);
  assert.deepEqual(checkLiveSources(trails), [
    'cloudtrailS3[1]: 111122223333 eu-west-1 in logs is listed more than once (also cloudtrailS3[0])',
  ]);
});

test(
  'the Source contract: starting before run, stopped after a run whose signal is aborted; metrics ' + 'show it',
  async (t) => {
    const dir = tempDir(t);
    const index = new IndexDb(join(dir, 'index.db'));
    t.after(() => index.close());
    const config = LiveSourcesConfig.parse({
      kubernetes: [{ name: 'c', kubeconfig: join(dir, 'missing-kubeconfig') }],
      cloudtrail: [{ account: '111122223333' }],
      cloudtrailS3: [{ bucket: 'logs', accounts: ['111122223333'], regions: ['eu-west-1'] }],
      eksAudit: [{ cluster: 'prod', region: 'eu-west-1' }],
      aksAudit: [{ resourceId: AKS_PROD, accountUrl: 'http://127.0.0.1:9/dev', accountKey: { env: 'NOT_SET' } }],
    });
    const aws = { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } };
    const sources = await buildLiveSources(config, {
      redact,
      cloudtrail: { clientConfig: aws },
      cloudtrailS3: { clientConfig: aws },
      eksAudit: { clientConfig: aws },
    });
    assert.equal(new Set(sources.map((source) => source.id)).size, sources.length, 'ids are unique');
    const metrics = new Registry();
    registerSourceMetrics(metrics, () => sources);
    for (const source of sources) {
      assert.ok(
        LIVE_SOURCES.some((kind) => source.id.startsWith(`${kind.folder.replace(/-(watch|poll)$/, '')}/`)),
        source.id,
      );
      assert.deepEqual(source.status(), { id: source.id, state: 'starting' });
    }
    assert.match(await metrics.metrics(), /gitrail_source_state\{source="kubernetes\/c",state="starting"\} 1/);
    const stopped = AbortSignal.abort();
    for (const source of sources) {
      const ctx: SourceContext = {
        log: pino({ level: 'silent' }),
        signal: stopped,
        submit: async () => undefined,
        committed: async () => undefined,
        index,
        stateDir: dir,
        now: Date.now,
      };
      await source.run(ctx);
      assert.equal(source.status().state, 'stopped');
    }
    assert.match(
      await metrics.metrics(),
      /gitrail_source_state\{source="cloudtrail\/111122223333\/us-east-1",state="stopped"\} 1/,
    );
  },
);
