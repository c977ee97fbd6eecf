// Deterministic workloads for the benchmarks: Kubernetes audit events (RequestResponse,
// realistic Deployments, ConfigMaps and Secrets of 1–10 KB) and CloudTrail delivery files.
// 20% of the changes hit 20 hot resources, the rest are spread uniformly.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { random } from '../test/helpers/random.ts';

export { random };

const ACTORS = Array.from({ length: 25 }, (_, i) =>
  i % 5 === 0 ? `system:serviceaccount:ci:deployer-${i}` : `user${i}@example.com`,
);
const KINDS = ['deployments', 'configmaps', 'secrets', 'services'] as const;

function resourceName(index: number): { namespace: string; kind: (typeof KINDS)[number]; name: string } {
  const kind = KINDS[index % KINDS.length] as (typeof KINDS)[number];
  return { namespace: `team-${Math.floor(index / 80) % 312}`, kind, name: `app-${index}` };
}

function env(rand: () => number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `SETTING_${i}`,
    value: `value-${Math.floor(rand() * 1e6)}`,
  }));
}

function object(index: number, version: number, rand: () => number): Record<string, unknown> {
  const { namespace, kind, name } = resourceName(index);
  const metadata = {
    name,
    namespace,
    uid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    resourceVersion: String(version * 100000 + index),
    generation: version,
    labels: { app: name, team: namespace },
    annotations: { 'example.com/revision': String(version) },
    managedFields: [
      {
        manager: 'kubectl',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': {} },
      },
    ],
  };
  if (kind === 'deployments') {
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 1 + (version % 5),
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [
              {
                name: 'app',
                image: `registry.example.com/${name}:1.${version}`,
                env: env(rand, 18),
                ports: [{ containerPort: 8080, protocol: 'TCP' }],
                resources: { limits: { cpu: '500m', memory: '256Mi' } },
              },
              { name: 'sidecar', image: 'registry.example.com/proxy:2.4', args: ['--port=15001', '--admin=15000'] },
            ],
          },
        },
      },
      status: { replicas: 1, readyReplicas: 1, observedGeneration: version },
    };
  }
  if (kind === 'configmaps') {
    const lines = Array.from(
      { length: 20 + (index % 100) },
      (_, i) => `key_${i} = ${i === version % 20 ? `changed-${version}` : `value-${i}`}`,
    );
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata,
      data: { 'app.conf': `${lines.join('\n')}\n`, mode: 'production' },
    };
  }
  if (kind === 'secrets') {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata,
      data: {
        password: Buffer.from(`secret-${index}-${version}`).toString('base64'),
        token: Buffer.from(`token-${rand()}`).toString('base64'),
      },
    };
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      selector: { app: name },
      ports: [{ port: 80, targetPort: 8080 + (version % 3), protocol: 'TCP' }],
      type: 'ClusterIP',
    },
  };
}

export interface AuditWorkload {
  readonly file: string;
  readonly events: number;
  readonly resources: number;
  readonly hotPath: string;
}

/** One create per resource, then `updates` modifications (20% on 20 hot resources). */
export async function writeAuditWorkload(
  dir: string,
  resources: number,
  updates: number,
  seed = 42,
): Promise<AuditWorkload> {
  mkdirSync(dir, { recursive: true });
  const rand = random(seed);
  const file = join(dir, `audit-${resources}.ndjson`);
  const out = createWriteStream(file);
  const versions = new Uint32Array(resources);
  let time = Date.parse('2026-01-01T00:00:00Z');
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  const total = resources + updates;
  for (let n = 0; n < total; n += 1) {
    const index = n < resources ? n : rand() < 0.2 ? Math.floor(rand() * 20) * 4 : Math.floor(rand() * resources);
    const version = (versions[index] as number) + 1;
    versions[index] = version;
    time += 10 + Math.floor(rand() * 50);
    const { namespace, kind, name } = resourceName(index);
    const group = kind === 'deployments' ? 'apps' : '';
    const obj = object(index, version, rand);
    const stamp = new Date(time).toISOString().replace('Z', '123Z');
    await write(
      JSON.stringify({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'RequestResponse',
        auditID: `bench-${seed}-${n}`,
        stage: 'ResponseComplete',
        requestURI:
          `/${group ? `apis/${group}/v1` : 'api/v1'}/namespaces/${namespace}/` +
          `${kind}${version === 1 ? '' : `/${name}`}`,
        verb: version === 1 ? 'create' : 'update',
        user: { username: ACTORS[Math.floor(rand() * ACTORS.length)], groups: ['system:authenticated'] },
        sourceIPs: ['10.0.0.1'],
        userAgent: 'kubectl/v1.31.0',
        objectRef: { resource: kind, namespace, name, apiGroup: group || undefined, apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: version === 1 ? 201 : 200 },
        requestObject: obj,
        responseObject: obj,
        requestReceivedTimestamp: stamp,
        stageTimestamp: stamp,
      }),
    );
  }
  out.end();
  await once(out, 'close');
  const hot = resourceName(0);
  return {
    file,
    events: total,
    resources,
    hotPath: `kubernetes/bench/namespaces/${hot.namespace}/apps/deployments/${hot.name}.yaml`,
  };
}

/** CloudTrail delivery files: IAM role and security-group calls over `resources` resources. */
export function writeCloudTrailWorkload(
  dir: string,
  resources: number,
  records: number,
  seed = 7,
): { dir: string; records: number } {
  const rand = random(seed);
  const root = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-1', '2026', '01', '01');
  mkdirSync(root, { recursive: true });
  let time = Date.parse('2026-01-01T00:00:00Z');
  const perFile = 100;
  for (let file = 0; file * perFile < records; file += 1) {
    const batch = [];
    for (let i = 0; i < perFile && file * perFile + i < records; i += 1) {
      const n = file * perFile + i;
      const index = Math.floor(rand() * resources);
      time += 100;
      const identity = {
        type: 'AssumedRole',
        arn: `arn:aws:sts::111122223333:assumed-role/Admin/user${index % 25}@example.com`,
        accountId: '111122223333',
        sessionContext: { sessionIssuer: { type: 'Role', userName: 'Admin' } },
      };
      const base = {
        eventVersion: '1.09',
        userIdentity: identity,
        eventTime: new Date(time).toISOString(),
        awsRegion: 'eu-west-1',
        sourceIPAddress: '198.51.100.1',
        userAgent: 'aws-cli/2',
        eventID: `ct-${seed}-${n}`,
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: '111122223333',
        eventCategory: 'Management',
      };
      batch.push(
        index % 2 === 0
          ? {
              ...base,
              eventSource: 'iam.amazonaws.com',
              eventName: 'PutRolePolicy',
              requestParameters: {
                roleName: `role-${index}`,
                policyName: 'inline',
                policyDocument: JSON.stringify({
                  Version: '2012-10-17',
                  Statement: [{ Effect: 'Allow', Action: [`s3:GetObject`], Resource: `arn:aws:s3:::bucket-${n}/*` }],
                }),
              },
              responseElements: null,
            }
          : {
              ...base,
              eventSource: 'ec2.amazonaws.com',
              eventName: 'AuthorizeSecurityGroupIngress',
              requestParameters: {
                groupId: `sg-${String(index).padStart(17, '0')}`,
                ipPermissions: {
                  items: [
                    {
                      ipProtocol: 'tcp',
                      fromPort: 1000 + (n % 1000),
                      toPort: 1000 + (n % 1000),
                      ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] },
                    },
                  ],
                },
              },
              responseElements: { _return: true },
            },
      );
    }
    writeFileSync(
      join(root, `111122223333_CloudTrail_eu-west-1_20260101T${String(file).padStart(4, '0')}Z_bench.json`),
      JSON.stringify({ Records: batch }),
    );
  }
  return { dir: join(dir, 'AWSLogs'), records };
}
