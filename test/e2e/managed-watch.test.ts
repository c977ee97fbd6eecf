// The combined set-up on managed clusters, end to end with the real `gitrail run`: the watch
// (a fake API server per cluster, through client-node) supplies the state of a Secret, which
// managed audit policies log at Metadata level only, and the provider's audit delivery supplies
// the author: EKS through Firehose (the IAM person), GKE through Pub/Sub push (principalEmail).
// The commit is the watch's, `Attribution: correlated`, and no secret value is stored.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { eksEvent } from '../../src/sources/eks-audit/__fixtures__/eks-event.ts';
import { logLine, startDaemonProcess } from '../helpers/daemon-process.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { TEST_TOKEN } from '../helpers/kube-fixtures.ts';
import { assertNoSecrets } from '../helpers/secrets.ts';
import { tempDir } from '../helpers/tmp.ts';
import { FakeKubeApiServer } from '../fakes/kube-apiserver.ts';

const KEY = 'managed-e2e-access-key-0123456789';
const AUDIENCE = 'https://gitrail.example.com/ingest/gke/gke/pubsub';
const SECRETS = ['first-password-value', 'eks-rotated-password', 'gke-rotated-password'];
const b64 = (text: string) => Buffer.from(text).toString('base64');
const secret = (password: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'default' },
  type: 'Opaque',
  data: { password: b64(password) },
});

/** What EKS writes to CloudWatch Logs for a Secret patch: Metadata level, no object. */
function eksSecretPatch(): Record<string, unknown> {
  const { responseObject: _object, ...event } = eksEvent('7a000000-0000-4000-8000-000000000001', 'db');
  const now = new Date().toISOString();
  return {
    ...event,
    level: 'Metadata',
    verb: 'patch',
    requestURI: '/api/v1/namespaces/default/secrets/db',
    objectRef: { resource: 'secrets', namespace: 'default', name: 'db', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: now,
    stageTimestamp: now,
  };
}

/** What GKE writes to Cloud Logging for the same kind of patch: no request or response. */
function gkeSecretPatch(): Record<string, unknown> {
  const name = 'core/v1/namespaces/default/secrets/db';
  return {
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      authenticationInfo: { principalEmail: 'bob@example.com' },
      methodName: 'io.k8s.core.v1.secrets.patch',
      resourceName: name,
      serviceName: 'k8s.io',
      status: { code: 0 },
      requestMetadata: { callerIp: '10.0.4.22', callerSuppliedUserAgent: 'kubectl/v1.31.0' },
    },
    insertId: '7b000000-0000-4000-8000-000000000001',
    operation: { id: '7b000000-0000-4000-8000-000000000001', producer: 'k8s.io', first: true, last: true },
    resource: { type: 'k8s_cluster', labels: { cluster_name: 'gke', location: 'europe-west1', project_id: 'p' } },
    timestamp: new Date().toISOString(),
    logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
  };
}

test('EKS and GKE: the watch supplies a Secret change, the managed audit delivery its author', async (t) => {
  const dir = tempDir(t);
  const fakes = {
    eks: await FakeKubeApiServer.start({ token: TEST_TOKEN }),
    gke: await FakeKubeApiServer.start({ token: TEST_TOKEN }),
  };
  t.after(() => Promise.all(Object.values(fakes).map((fake) => fake.close())));
  for (const fake of Object.values(fakes)) fake.create(secret(SECRETS[0] as string), 'kubectl-client-side-apply');
  const google = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(google.publicKey)), kid: 'g1', alg: 'RS256', use: 'sig' };
  const jwks = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  t.after(() => jwks.close());

  const clusters = Object.entries(fakes).flatMap(([name, fake]) => {
    const kubeconfig = join(dir, `${name}.kubeconfig`);
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${fake.url}", ` +
        `insecure-skip-tls-verify: true}}]\n` +
        `users: [{name: u, user: {token: ${TEST_TOKEN}}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n` +
        'current-context: c\n',
    );
    return [
      `  - name: ${name}`,
      `    kubeconfig: ${kubeconfig}`,
      '    attributionDelay: 2s',
      '    events: {enabled: false}',
    ];
  });
  const config = join(dir, 'gitrail.yaml');
  writeFileSync(
    config,
    [
      'drain: {flushIntervalMs: 50}',
      'kubernetes:',
      ...clusters,
      'intake:',
      '  eksFirehose: {enabled: true, clusters: [eks]}',
      `  gkePubSub: {enabled: true, clusters: [gke], audience: "${AUDIENCE}", ` +
        `jwksUrl: "http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs"}`,
      '',
    ].join('\n'),
  );
  const dataDir = join(dir, 'data');
  const daemon = await startDaemonProcess({
    dataDir,
    args: ['--config', config],
    env: { GITRAIL_INGEST_TOKEN: KEY, GITRAIL_LOG_LEVEL: 'debug' },
  });
  t.after(() => daemon.child.kill('SIGKILL'));
  const gitdir = join(dataDir, 'repo.git');
  const commits = () =>
    git(gitdir, 'log', '--format=%an|%s|%(trailers:key=Attribution,valueonly,separator=)', 'main').trim().split('\n');
  const until = async (predicate: () => boolean) => {
    while (!predicate())
      await logLine(daemon, (e) => e['msg'] === 'journal drained into the repository', daemon.logs.length);
  };
  const hasMain = () => git(gitdir, 'for-each-ref', 'refs/heads/main').trim() !== '';
  await until(() => hasMain() && commits().length === 2);

  // EKS: the audit event reaches gitrail through Firehose first, then the watch sees the change.
  const logEvent = { id: '1', timestamp: Date.now(), message: JSON.stringify(eksSecretPatch()) };
  const payload = {
    messageType: 'DATA_MESSAGE',
    logGroup: '/aws/eks/eks/cluster',
    logStream: 'kube-apiserver-audit-0a1b',
    logEvents: [logEvent],
  };
  const firehose = await fetch(`${daemon.url}/ingest/eks/eks/firehose`, {
    method: 'POST',
    headers: { 'x-amz-firehose-access-key': KEY, 'x-amz-firehose-request-id': 'r-1' },
    body: JSON.stringify({
      requestId: 'r-1',
      timestamp: Date.now(),
      records: [{ data: gzipSync(JSON.stringify(payload)).toString('base64') }],
    }),
  });
  assert.equal(firehose.status, 200);
  fakes.eks.patch('v1', 'Secret', 'default', 'db', { data: { password: b64(SECRETS[1] as string) } }, 'kubectl-patch');

  // GKE: the same through Pub/Sub push.
  const jwt = await new SignJWT({ email: 'push@p.iam.gserviceaccount.com', email_verified: true })
    .setProtectedHeader({ alg: 'RS256', kid: 'g1' })
    .setIssuer('https://accounts.google.com')
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(google.privateKey);
  const pushed = await fetch(`${daemon.url}/ingest/gke/gke/pubsub`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      message: { data: b64(JSON.stringify(gkeSecretPatch())), messageId: '1' },
      subscription: 's',
    }),
  });
  assert.equal(pushed.status, 200, await pushed.clone().text());
  assert.equal(((await pushed.json()) as { facts: number }).facts, 1, 'a Metadata-level entry is a fact, not a change');
  fakes.gke.patch('v1', 'Secret', 'default', 'db', { data: { password: b64(SECRETS[2] as string) } }, 'kubectl-patch');

  await until(() => commits().length === 4);
  assert.equal(await daemon.stop(), 0);
  fsckStrict(gitdir);
  const latest = commits().slice(0, 2).sort();
  assert.deepEqual(latest, [
    'alice@example.com|patch secrets default/db|correlated',
    'bob@example.com|patch secrets default/db|correlated',
  ]);
  assert.match(git(gitdir, 'log', '-1', '--format=%ae', '--author=alice', 'main'), /alice@example\.com/);
  assertNoSecrets(dataDir, SECRETS);
});
