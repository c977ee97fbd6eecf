// `gitrail restore` on a data folder of recorded changes (examples/ and a few objects written
// here): the manifests it prints are accepted by the real kubectl, client-side and by the fake
// API server, where the recorded object as `gitrail show` prints it is refused; AWS resources
// come with the calls that recreate them; hashed secret values are named, never invented.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test, type TestContext } from 'node:test';
import * as yaml from 'js-yaml';
import { captureIo } from '../../../test/helpers/capture-io.ts';
import { assertGolden } from '../../../test/helpers/golden.ts';
import { FakeKubeApiServer } from '../../../test/fakes/kube-apiserver.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { DEFAULT_SENSITIVE_KEYS } from '../../normalise/redact.ts';
import { runCli } from '../main.ts';

const KUBECTL = '/usr/bin/kubectl';
const ROOT = join(import.meta.dirname, '../../..');
let data = '';

function audit(id: string, verb: string, time: string, object: Record<string, unknown>): string {
  const metadata = object['metadata'] as Record<string, string>;
  const [group, version] = String(object['apiVersion']).includes('/')
    ? String(object['apiVersion']).split('/')
    : ['', String(object['apiVersion'])];
  const resource = `${String(object['kind']).toLowerCase()}s`;
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: id,
    stage: 'ResponseComplete',
    verb,
    user: { username: 'dana@example.com' },
    objectRef: {
      resource,
      namespace: metadata['namespace'],
      name: metadata['name'],
      apiGroup: group,
      apiVersion: version,
    },
    responseStatus: { code: verb === 'create' ? 201 : 200 },
    stageTimestamp: time,
    responseObject: object,
  });
}

const serverFields = (name: string, uid: string) => ({
  name,
  namespace: 'shop',
  uid,
  resourceVersion: '4711',
  creationTimestamp: '2026-03-02T02:00:00Z',
  managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }],
});

before(async () => {
  data = mkdtempSync(join(tmpdir(), 'gitrail-restore-'));
  process.on('exit', () => rmSync(data, { recursive: true, force: true }));
  const extra = join(data, 'extra-audit.ndjson');
  const service = (name: string, clusterIP: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: serverFields(name, `uid-${name}`),
    spec: {
      clusterIP,
      clusterIPs: [clusterIP],
      ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
      selector: { app: 'web' },
    },
    status: { loadBalancer: {} },
  });
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...serverFields('web-7d4b9c-x2k8p', 'uid-pod'),
      labels: { app: 'web' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'uid-rs', controller: true },
      ],
    },
    spec: { nodeName: 'node-3', containers: [{ name: 'web', image: 'registry.example.com/web:1.27' }] },
    status: { phase: 'Running', podIP: '10.1.2.3' },
  };
  writeFileSync(
    extra,
    [
      audit('r-1', 'create', '2026-03-02T02:00:00Z', service('api', '10.96.0.42')),
      audit('r-2', 'create', '2026-03-02T02:01:00Z', service('api-headless', 'None')),
      audit('r-3', 'create', '2026-03-02T02:02:00Z', pod),
    ].join('\n'),
  );
  for (const [cluster, paths] of [
    [
      'default',
      ['cloudtrail', 'kubernetes-audit.ndjson', 'generic-events.ndjson'].map((name) => join(ROOT, 'examples', name)),
    ],
    ['default', [extra]],
  ] as const)
    await runIngest({
      dataDir: data,
      paths,
      cluster,
      genericSource: 'events',
      redactionKey: new Uint8Array(32).fill(7),
      sensitiveKeys: DEFAULT_SENSITIVE_KEYS,
      now: () => Date.parse('2026-03-09T03:00:00Z'),
      onProblem: (file, line, reason) => assert.fail(`${file}:${line}: ${reason}`),
    });
});

async function restore(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo();
  const code = await runCli(['restore', ...args, '--data', data], captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

function kubectl(dir: string, args: string[], input: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(KUBECTL, ['--cache-dir', join(dir, 'cache'), ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(input);
  });
}

/** The fake API server and a kubeconfig for it (kubectl needs its discovery even for a client dry run). */
async function kubeSetup(t: TestContext): Promise<{ fake: FakeKubeApiServer; dir: string }> {
  const fake = await FakeKubeApiServer.start();
  t.after(() => fake.close());
  const dir = mkdtempSync(join(tmpdir(), 'gitrail-kubectl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'kubeconfig'),
    `apiVersion: v1\nkind: Config\nclusters: [{name: fake, cluster: {server: "${fake.url}"}}]\nusers: [{name: ` +
      `dev, user: {}}]\ncontexts: [{name: fake, context: {cluster: fake, user: dev}}]\ncurrent-context: fake\n`,
  );
  return { fake, dir };
}

const hasKubectl = { skip: !existsSync(KUBECTL) && 'kubectl is not installed' };

test(
  'a deleted Deployment, restored as it was, is what kubectl apply -f - creates on the API server',
  hasKubectl,
  async (t) => {
    const restored = await restore(['deploy/web', '-n', 'shop', '--at', '2026-03-02T01:29:00Z']);
    assert.equal(restored.code, 0, restored.stderr);
    const manifest = yaml.load(restored.stdout) as Record<string, Record<string, unknown>>;
    for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'annotations'])
      assert.equal(manifest['metadata']?.[field], undefined, `metadata.${field} is left out`);
    assert.equal(manifest['status'], undefined);
    assert.equal(manifest['spec']?.['replicas'], 5, 'the state at that time (scaled to 5 at 01:10)');

    const { fake, dir } = await kubeSetup(t);
    const applied = await kubectl(dir, ['apply', '--validate=false', '-f', '-'], restored.stdout);
    assert.equal(applied.code, 0, applied.out);
    assert.match(applied.out, /deployment\.apps\/web created/);
    const created = fake.get('apps/v1', 'Deployment', 'shop', 'web') as unknown as { spec: { replicas: number } };
    assert.equal(created.spec.replicas, 5);

    // A deleted Service whose cluster IP went to another Service since: the recorded object is refused.
    fake.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'newer', namespace: 'shop' },
      spec: { clusterIP: '10.96.0.42' },
    });
    const show = captureIo();
    assert.equal(await runCli(['show', 'svc/api', '-n', 'shop', '--data', data, '--no-pager'], show.io), 0);
    const refused = await kubectl(dir, ['apply', '--validate=false', '-f', '-'], show.stdout());
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /provided IP is already allocated/);
    const service = await restore(['svc/api', '-n', 'shop']);
    assert.match(service.stderr, /spec\.clusterIP 10\.96\.0\.42 is allocated anew/);
    const accepted = await kubectl(dir, ['apply', '--validate=false', '-f', '-'], service.stdout);
    assert.equal(accepted.code, 0, accepted.out);
    assert.match(accepted.out, /service\/api created/);
  },
);

test(
  'every restored Kubernetes manifest passes kubectl apply --dry-run=client, as yaml and as json',
  hasKubectl,
  async (t) => {
    const { dir } = await kubeSetup(t);
    for (const ref of [
      ['deploy/web', '-n', 'shop', '--at', '2026-03-02T01:29:00Z'],
      ['secret/db-credentials', '-n', 'shop'],
      ['cm/nginx', '-n', 'shop'],
      ['svc/api-headless', '-n', 'shop'],
      ['pod/web-7d4b9c-x2k8p', '-n', 'shop'],
    ]) {
      for (const format of ['yaml', 'json']) {
        const restored = await restore([...ref, '-o', format]);
        assert.equal(restored.code, 0, restored.stderr);
        const dry = await kubectl(dir, ['apply', '--dry-run=client', '--validate=false', '-f', '-'], restored.stdout);
        assert.equal(dry.code, 0, `${ref.join(' ')} -o ${format}: ${dry.out}`);
        assert.match(dry.out, /created \(dry run\)/);
      }
    }
  },
);

test('a Secret: values recorded only as hashes are left out and named, never invented', async () => {
  const restored = await restore(['secret/db-credentials', '-n', 'shop']);
  assert.equal(restored.code, 0);
  assert.equal(
    restored.stderr,
    'gitrail restore: not restorable: data.password (recorded only as a keyed hash)\n' +
      'gitrail restore: not restorable: data.username (recorded only as a keyed hash)\n',
  );
  assert.doesNotMatch(restored.stdout, /hmac-sha256/);
  assert.match(restored.stdout, /^# not restorable: data\.password/m);
});

test('a Pod: its owner, node and status are left out; a headless Service keeps clusterIP None', async () => {
  const pod = await restore(['pod/web-7d4b9c-x2k8p', '-n', 'shop', '-o', 'json']);
  const manifest = JSON.parse(pod.stdout) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  assert.equal(manifest.metadata['ownerReferences'], undefined);
  assert.equal(manifest.spec['nodeName'], undefined);
  assert.equal((manifest as Record<string, unknown>)['status'], undefined);
  assert.match(pod.stderr, /was owned by ReplicaSet\/web-7d4b9c: restored without ownerReferences/);
  const headless = yaml.load((await restore(['svc/api-headless', '-n', 'shop'])).stdout) as {
    spec: Record<string, unknown>;
  };
  assert.equal(headless.spec['clusterIP'], 'None');
});

test('an IAM role: its recorded configuration and the calls that recreate it', async () => {
  const json = await restore(['aws', 'iam', 'role', 'deploy', '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const document = JSON.parse(json.stdout) as {
    configuration: { assumeRolePolicy: unknown };
    recreate: Array<{ operation: string; parameters: Record<string, string>; cli: string }>;
  };
  assert.deepEqual(
    document.recreate.map((call) => call.operation),
    ['iam:CreateRole', 'iam:PutRolePolicy'],
  );
  const create = document.recreate[0] as (typeof document.recreate)[number];
  assert.deepEqual(
    JSON.parse(create.parameters['AssumeRolePolicyDocument'] as string),
    document.configuration.assumeRolePolicy,
  );
  assert.match(create.cli, /^aws iam create-role --cli-input-json '\{"RoleName":"deploy",/);
  const sh = await restore(['aws', 'iam', 'role', 'deploy', '-o', 'sh']);
  // The commit id depends on signing and the clock; the golden pins everything else.
  assertGolden(
    sh.stdout.replace(/ in [0-9a-f]{7}\n/, ' in <commit>\n'),
    join(import.meta.dirname, '__golden__', 'restore-iam-role.sh'),
  );
});

test('a bucket and a security group created before the record began', async () => {
  const bucket = await restore(['aws', 's3', 'Bucket', 'shop-assets', '-o', 'sh']);
  assert.match(
    bucket.stdout,
    new RegExp(
      String.raw`aws s3api create-bucket --cli-input-json ` +
        String.raw`'\{"Bucket":"shop-assets","CreateBucketConfiguration":\{"LocationConstraint":"eu-west-1"\}\}'`,
    ),
  );
  assert.match(
    bucket.stdout,
    /aws s3api put-bucket-policy --cli-input-json '\{"Bucket":"shop-assets","Policy":"\{\\"Statement\\"/,
  );
  const group = await restore(['aws', 'ec2', 'SecurityGroup', 'sg-0123456789abcdef0', '-o', 'sh']);
  assert.match(
    group.stdout,
    /# the group was created before the record began: its rules are authorized on sg-0123456789abcdef0/,
  );
  assert.match(
    group.stdout,
    new RegExp(
      String.raw`aws ec2 authorize-security-group-ingress --cli-input-json ` +
        String.raw`'\{"GroupId":"sg-0123456789abcdef0","IpPermissions":\[\{"IpProtocol":"tcp","FromPort":22,"` +
        String.raw`ToPort":22`,
    ),
  );
});

test('what cannot be restored is an error naming the reason', async () => {
  const gone = await restore(['deploy/web', '-n', 'shop']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /did not exist now: deleted .* use --at with an earlier time or commit/);
  const sh = await restore(['cm/nginx', '-n', 'shop', '-o', 'sh']);
  assert.equal(sh.code, 2);
  assert.match(sh.stderr, /-o sh is for AWS resources/);
  const bad = await restore(['cm/nginx', '-n', 'shop', '-o', 'xml']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad -o 'xml'/);
});
