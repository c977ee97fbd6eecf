// End to end: the real `gitrail run` as a child process with live sources configured in
// gitrail.yaml — a Kubernetes cluster (the fake API server, through client-node) whose changes
// are attributed from audit events posted to the daemon, and CloudTrail polling (the fake
// endpoint, through the AWS SDK) — then restarted: nothing is lost and nothing repeated.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ACCOUNT, record } from '../helpers/cloudtrail-fixtures.ts';
import {
  logLine,
  postAuditBatch,
  runGitrail,
  startDaemonProcess,
  type DaemonProcess,
} from '../helpers/daemon-process.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { configMap, TEST_TOKEN } from '../helpers/kube-fixtures.ts';
import { tempDir } from '../helpers/tmp.ts';
import { FakeCloudTrail } from '../fakes/cloudtrail.ts';
import { FakeKubeApiServer } from '../fakes/kube-apiserver.ts';

const TOKEN = 'e2e-sources-token-0123456789';
const CM = 'kubernetes/prod/namespaces/default/core/configmaps';

const drained = (entry: Record<string, unknown>): boolean => entry['msg'] === 'journal drained into the repository';

/** Resolves once `predicate` holds for `git log` of main, checked now and after each drain of the journal. */
async function repository(
  daemon: DaemonProcess,
  gitdir: string,
  predicate: (log: string[]) => boolean,
): Promise<string[]> {
  for (;;) {
    const from = daemon.logs.length;
    const head = git(gitdir, 'for-each-ref', '--format=%(objectname)', 'refs/heads/main').trim();
    const log =
      head === ''
        ? []
        : git(
            gitdir,
            'log',
            '--reverse',
            '--format=%an|%s|%(trailers:key=Attribution,valueonly,separator=)|' +
              '%(trailers:key=Source,valueonly,separator=)',
            'main',
          )
            .split('\n')
            .filter(Boolean);
    if (predicate(log)) return log;
    await logLine(daemon, drained, from);
  }
}

function auditEvent(verb: string, user: string, name: string): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    level: 'Metadata',
    auditID: randomUUID(),
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/default/configmaps/${name}`,
    verb,
    user: { username: user, groups: ['system:authenticated'] },
    sourceIPs: ['10.1.2.3'],
    userAgent: 'kubectl/v1.32.0',
    objectRef: { resource: 'configmaps', namespace: 'default', name, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: now,
    stageTimestamp: now,
  };
}

async function start(
  t: TestContext,
  dataDir: string,
  config: string,
  env: NodeJS.ProcessEnv = {},
): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({
    dataDir,
    args: ['--config', config],
    env: { GITRAIL_INGEST_TOKEN: TOKEN, GITRAIL_LOG_LEVEL: 'debug', ...env },
  });
  t.after(() => daemon.child.kill('SIGKILL'));
  return daemon;
}

test(
  'gitrail run watches a cluster: attributed commits from audit events, healing watches, a restart without ' +
    'loss or repeats',
  async (t) => {
    const fake = await FakeKubeApiServer.start({ token: TEST_TOKEN });
    t.after(() => fake.close());
    fake.create(configMap('app', { mode: 'blue' }), 'kubectl-client-side-apply');
    fake.create(configMap('legacy', { old: 'yes' }), null);
    const dir = tempDir(t);
    const dataDir = join(dir, 'data');
    const gitdir = join(dataDir, 'repo.git');
    writeFileSync(
      join(dir, 'kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: fake, cluster: {server: "${fake.url}", insecure-skip-tls-verify: true}}]`,
        `users: [{name: gitrail, user: {token: ${TEST_TOKEN}}}]`,
        'contexts: [{name: fake, context: {cluster: fake, user: gitrail}}]',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    const config = join(dir, 'gitrail.yaml');
    writeFileSync(
      config,
      [
        'drain:',
        '  flushIntervalMs: 50',
        'kubernetes:',
        '  - name: prod',
        `    kubeconfig: ${join(dir, 'kubeconfig')}`,
        '    attributionDelay: 2s',
        '    events: {enabled: false}',
        '',
      ].join('\n'),
    );
    const audit = (daemon: DaemonProcess) => `${daemon.url}/ingest/kubernetes/prod/audit`;

    let daemon = await start(t, dataDir, config);
    await logLine(daemon, (entry) => entry['msg'] === 'every collection listed and watched');
    await repository(daemon, gitdir, (log) => log.length === 2);

    // Audit event first (a fast webhook), then the change the watch sees.
    assert.equal(await postAuditBatch(audit(daemon), TOKEN, [auditEvent('patch', 'alice@example.com', 'app')]), true);
    fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'green' } }, 'kubectl-patch');
    await repository(daemon, gitdir, (log) => log.length === 3);
    // The change first, its audit event a moment later (a batching webhook): attributionDelay covers it.
    fake.patch('v1', 'ConfigMap', 'default', 'app', { data: { mode: 'red' } }, 'kubectl-edit');
    assert.equal(await postAuditBatch(audit(daemon), TOKEN, [auditEvent('update', 'bob@example.com', 'app')]), true);
    await repository(daemon, gitdir, (log) => log.length === 4);
    // A delete the audit log records itself: committed once, by the audit source.
    fake.remove('v1', 'ConfigMap', 'default', 'legacy');
    assert.equal(
      await postAuditBatch(audit(daemon), TOKEN, [auditEvent('delete', 'carol@example.com', 'legacy')]),
      true,
    );
    await repository(daemon, gitdir, (log) => log.length === 5);

    // Watches cut and refused for a while heal by themselves.
    fake.failRequests(3, (request) => request.watch);
    fake.closeWatches();
    fake.create(configMap('after-outage', { ok: 'yes' }), 'helm');
    await repository(daemon, gitdir, (log) => log.length === 6);
    const ready = (await (await fetch(`${daemon.url}/readyz`)).json()) as {
      sources: Array<{ id: string; state: string; lastError?: string }>;
    };
    assert.equal(ready.sources[0]?.id, 'kubernetes/prod');
    assert.match(ready.sources[0]?.lastError ?? '', /HTTP 500/);
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    assert.match(metrics, /gitrail_source_state\{source="kubernetes\/prod",state="(up|failing)"\} 1/);
    assert.equal(await daemon.stop(), 0);

    // While gitrail is down: one object changes, one is deleted, one is created.
    fake.patch('v1', 'ConfigMap', 'default', 'after-outage', { data: { ok: 'still' } }, 'helm');
    fake.remove('v1', 'ConfigMap', 'default', 'app');
    fake.create(configMap('while-down', { new: 'yes' }), 'kubectl-create');
    daemon = await start(t, dataDir, config);
    await logLine(daemon, (entry) => entry['msg'] === 'every collection listed and watched');
    const log = await repository(daemon, gitdir, (lines) => lines.length === 9);
    assert.equal(await daemon.stop(), 0);

    assert.deepEqual(log.slice(0, 6), [
      `kubectl-client-side-apply|observe configmaps default/app|field-manager|kubernetes-watch`,
      `unknown (attribution unresolved)|observe configmaps default/legacy|unresolved|kubernetes-watch`,
      `alice@example.com|patch configmaps default/app|correlated|kubernetes-watch`,
      `bob@example.com|update configmaps default/app|correlated|kubernetes-watch`,
      `carol@example.com|delete configmaps default/legacy|exact|kubernetes-audit`,
      `helm|observe configmaps default/after-outage|field-manager|kubernetes-watch`,
    ]);
    assert.deepEqual(log.slice(6).sort(), [
      'helm|observe configmaps default/after-outage|field-manager|kubernetes-watch',
      'kubectl-create|observe configmaps default/while-down|field-manager|kubernetes-watch',
      'unknown (attribution unresolved)|delete configmaps default/app|unresolved|kubernetes-watch',
    ]);
    assert.match(git(gitdir, 'show', `main:${CM}/after-outage.yaml`), /ok: still/);
    const ids = git(gitdir, 'log', '--format=%(trailers:key=Event-ID,valueonly,separator=)', 'main')
      .split('\n')
      .filter(Boolean);
    assert.equal(new Set(ids).size, ids.length, 'no event committed twice');
    fsckStrict(gitdir);
  },
);

test('gitrail run polls CloudTrail; a restart neither loses nor repeats events', async (t) => {
  const fake = await FakeCloudTrail.start();
  t.after(() => fake.close());
  const now = Date.now();
  const IAM = 'iam.amazonaws.com';
  fake.addRecord('us-east-1', record('a', 'CreateRole', IAM, now - 40 * 60_000, { roleName: 'a' }));
  fake.addRecord('us-east-1', record('b', 'CreateRole', IAM, now - 5 * 60_000, { roleName: 'b' }, { user: 'bob' }));
  fake.addRecord('us-east-1', record('late', 'CreateRole', IAM, now - 2 * 60_000, { roleName: 'late' }), {
    visibleAt: Number.POSITIVE_INFINITY,
  });
  const dir = tempDir(t);
  const dataDir = join(dir, 'data');
  const gitdir = join(dataDir, 'repo.git');
  const config = join(dir, 'gitrail.yaml');
  writeFileSync(
    config,
    [
      'drain:',
      '  flushIntervalMs: 50',
      'cloudtrail:',
      `  - account: "${ACCOUNT}"`,
      '    regions: [us-east-1]',
      `    endpoint: ${fake.url}`,
      '    maxAge: 2h',
      '    requestsPerSecond: 2',
      '',
    ].join('\n'),
  );
  const aws = {
    AWS_ACCESS_KEY_ID: 'AKIDE2E',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
  };
  const polled = (entry: Record<string, unknown>) => entry['msg'] === 'CloudTrail poll complete';

  let daemon = await start(t, dataDir, config, aws);
  await logLine(daemon, polled);
  await repository(daemon, gitdir, (log) => log.length === 2);
  assert.equal(await daemon.stop(), 0);

  fake.addRecord('us-east-1', record('c', 'CreateRole', IAM, Date.now(), { roleName: 'c' }));
  fake.reveal('late');
  const before = fake.requests.length;
  daemon = await start(t, dataDir, config, aws);
  await logLine(daemon, polled);
  const log = await repository(daemon, gitdir, (lines) => lines.length === 4);
  assert.equal(await daemon.stop(), 0);

  assert.deepEqual(log, [
    'alice|iam:CreateRole Role a|exact|cloudtrail',
    'bob|iam:CreateRole Role b|exact|cloudtrail',
    'alice|iam:CreateRole Role late|exact|cloudtrail',
    'alice|iam:CreateRole Role c|exact|cloudtrail',
  ]);
  const restart = (fake.requests[before]?.body['StartTime'] as number) * 1000;
  assert.ok(restart > now - 30 * 60_000, 'the restart started from the checkpoint, not from maxAge');
  assert.ok(fake.requests.every((request) => !request.throttled));
  fsckStrict(gitdir);
});

test('gitrail check-config reports live-source problems by key', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'gitrail.yaml');
  writeFileSync(
    file,
    [
      'kubernetes:',
      '  - name: prod',
      '  - name: prod',
      '    resync: "every hour"',
      'cloudtrail:',
      `  - account: "${ACCOUNT}"`,
      '    regions: [eu-west-1, eu-west-1]',
      '',
    ].join('\n'),
  );
  const invalid = runGitrail(['check-config', '--config', file]);
  assert.equal(await invalid.exited, 1);
  assert.match(invalid.output().stderr, /kubernetes\[1\]\.resync: not a node-cron expression/);
  writeFileSync(
    file,
    [
      'kubernetes:',
      '  - name: prod',
      '  - name: prod',
      'cloudtrail:',
      `  - account: "${ACCOUNT}"`,
      '    regions: [eu-west-1, eu-west-1]',
      '',
    ].join('\n'),
  );
  const incoherent = runGitrail(['check-config', '--config', file]);
  assert.equal(await incoherent.exited, 1);
  assert.equal(
    incoherent.output().stderr,
    [
      'kubernetes[1].name: cluster "prod" is already configured at kubernetes[0]',
      'cloudtrail[0].regions: eu-west-1 is listed twice',
      `${file}: 2 problems`,
      '',
    ].join('\n'),
  );
});
