// End to end: the real `gitrail run` as a child process, fed the way its senders feed it
// (kube-apiserver audit webhook batches, an admission webhook, CloudTrail, generic events),
// then the repository checked with the git CLI after a graceful SIGTERM.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  admissionReview,
  auditEvent,
  cloudTrailRecord,
  genericEvent,
  namespaceOf,
} from '../helpers/intake-fixtures.ts';
import { gitrail } from '../helpers/cli.ts';
import { post, postAuditBatch, runGitrail, startDaemonProcess } from '../helpers/daemon-process.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';

const TOKEN = 'e2e-shared-token-0123456789';
const CT_TOKEN = 'e2e-cloudtrail-token-0123456789';

function trailerCounts(gitdir: string, branch: string): Map<string, number> {
  const ids = git(gitdir, 'log', '--format=%(trailers:key=Event-ID,valueonly)', branch)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

test('gitrail run records audit batches, admission reviews, CloudTrail and generic events as commits', async (t) => {
  const dir = tempDir(t);
  const dataDir = join(dir, 'data');
  const config = join(dir, 'gitrail.yaml');
  writeFileSync(
    config,
    ['intake:', '  cloudtrail:', '    tokens: [{ env: CT_TOKEN }]', 'drain:', '  flushIntervalMs: 50', ''].join('\n'),
  );
  const daemon = await startDaemonProcess({
    dataDir,
    args: ['--config', config],
    env: { GITRAIL_INGEST_TOKEN: TOKEN, CT_TOKEN },
  });
  t.after(() => daemon.child.kill('SIGKILL'));
  const audit = `${daemon.url}/ingest/kubernetes/prod/audit`;

  // 1,000 creates in apiserver-sized batches (≤ 400 items, without kind), each request also
  // logged at RequestReceived; then the first batch again, as after a webhook timeout.
  const events = Array.from({ length: 1000 }, (_, index) => [
    auditEvent(index, { stage: 'RequestReceived' }),
    auditEvent(index),
  ]).flat();
  const batches: unknown[][] = [];
  for (let at = 0; at < events.length; at += 400) batches.push(events.slice(at, at + 400));
  for (const batch of batches) assert.equal(await postAuditBatch(audit, TOKEN, batch), true);
  assert.equal(await postAuditBatch(audit, TOKEN, batches[0] as unknown[]), true, 'a duplicated batch is accepted');
  // Updates of ten objects by another user.
  const updates = Array.from({ length: 10 }, (_, n) => ({
    ...auditEvent(5000 + n, { name: `cm-${n * 10}`, namespace: namespaceOf(n * 10), value: 'updated', verb: 'update' }),
    user: { username: 'carol@example.com' },
  }));
  assert.equal(await postAuditBatch(audit, TOKEN, updates), true);

  const admission = await post(`${daemon.url}/ingest/kubernetes/prod/admission`, TOKEN, admissionReview('review-1'));
  assert.deepEqual(admission, {
    status: 200,
    body: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'review-1', allowed: true } },
  });

  const trail = await post(`${daemon.url}/ingest/cloudtrail`, CT_TOKEN, {
    Records: [cloudTrailRecord(2), cloudTrailRecord(1), { eventVersion: '1.09' }],
  });
  assert.equal(trail.status, 202);
  assert.equal((trail.body as { rejected: number }).rejected, 1);
  const bridge = await post(`${daemon.url}/ingest/cloudtrail`, TOKEN, {
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.iam',
    detail: cloudTrailRecord(3),
  });
  assert.equal(bridge.status, 202);
  assert.equal(
    (await post(`${daemon.url}/ingest/cloudtrail`, 'not-the-token-0123456789', { Records: [] })).status,
    401,
  );

  assert.equal(
    (await post(`${daemon.url}/ingest/events/flags`, TOKEN, [genericEvent(1), genericEvent(2)])).status,
    202,
  );
  const ndjson = [
    genericEvent(3),
    { ...genericEvent(4), path: 'feature-flags/flag-1', object: { enabled: false, rollout: 100 } },
  ]
    .map((event) => JSON.stringify(event))
    .join('\n');
  assert.equal((await post(`${daemon.url}/ingest/events/flags`, TOKEN, ndjson)).status, 202);

  const second = runGitrail(['run', '--data', dataDir, '--listen', '127.0.0.1:0'], { GITRAIL_INGEST_TOKEN: TOKEN });
  assert.equal(await second.exited, 2, 'a second writer on the same data folder is refused');
  assert.match(
    second.output().stderr,
    /writer\.lock is held by process \d+: another gitrail writer uses this data folder/,
  );

  const ready = await fetch(`${daemon.url}/readyz`);
  assert.equal(ready.status, 200);
  assert.equal(await daemon.stop(), 0, 'SIGTERM drains the journal and exits 0');

  const gitdir = join(dataDir, 'repo.git');
  fsckStrict(gitdir);
  const counts = trailerCounts(gitdir, 'main');
  for (let index = 0; index < 1000; index += 1)
    assert.equal(
      counts.get(`00000000-0000-4000-8000-${String(index).padStart(12, '0')}`),
      1,
      `event ${index} committed once`,
    );
  assert.equal(git(gitdir, 'rev-list', '--count', 'main').trim(), String(1000 + 10 + 3 + 4));
  assert.equal(
    git(gitdir, 'log', '--format=%an', '--author=^user-1@example.com', 'main').trim().split('\n').length,
    200,
  );
  const updated = 'kubernetes/prod/namespaces/ns-10/core/configmaps/cm-10.yaml';
  assert.match(git(gitdir, 'show', `main:${updated}`), /value=updated/);
  assert.equal(
    git(gitdir, 'log', '--format=%an %s', 'main', '--', updated).trim(),
    'carol@example.com update configmaps ns-10/cm-10\nuser-0@example.com create configmaps ns-10/cm-10',
  );
  assert.equal(
    git(
      gitdir,
      'log',
      '-1',
      '--format=%an|%aI',
      'main',
      '--',
      'kubernetes/prod/namespaces/ns-3/core/configmaps/cm-3.yaml',
    ).trim(),
    'user-3@example.com|2026-03-02T10:00:00+00:00',
  );
  assert.match(git(gitdir, 'show', 'main:aws/111122223333/global/iam/Role/role-3.yaml'), /roleName: role-3/);
  assert.match(
    git(gitdir, 'log', '--format=%an %s', 'main', '--', 'aws/'),
    /alice@example.com iam:CreateRole Role role-1/,
  );
  assert.match(git(gitdir, 'show', 'main:custom/flags/feature-flags/flag-1.yaml'), /rollout: 100/);
  assert.equal(
    git(gitdir, 'log', '--format=%s', 'main', '--', 'custom/flags/feature-flags/flag-1.yaml').trim().split('\n').length,
    2,
  );
});

test('two instances run side by side on their own data folders and addresses', async (t) => {
  const dir = tempDir(t);
  const [a, b] = await Promise.all([
    startDaemonProcess({ dataDir: join(dir, 'a'), env: { GITRAIL_INGEST_TOKEN: TOKEN } }),
    startDaemonProcess({ dataDir: join(dir, 'b'), env: { GITRAIL_INGEST_TOKEN: TOKEN } }),
  ]);
  t.after(() => {
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
  });
  assert.notEqual(a.url, b.url);
  assert.equal((await post(`${a.url}/ingest/events/a`, TOKEN, [genericEvent(1)])).status, 202);
  assert.equal((await post(`${b.url}/ingest/events/b`, TOKEN, [genericEvent(2)])).status, 202);
  assert.deepEqual(await Promise.all([a.stop(), b.stop()]), [0, 0]);
  assert.equal(git(join(dir, 'a', 'repo.git'), 'log', '--format=%s', 'main').trim(), 'update feature-flags/flag-1');
  assert.equal(git(join(dir, 'b', 'repo.git'), 'log', '--format=%s', 'main').trim(), 'update feature-flags/flag-2');
});

test(
  'with no configuration at all, gitrail run creates an installation token and says how to send ' + 'events',
  async (t) => {
    const dir = tempDir(t);
    const dataDir = join(dir, 'data');
    const daemon = await startDaemonProcess({ dataDir, env: { GITRAIL_INGEST_TOKEN: '' } });
    t.after(() => daemon.child.kill('SIGKILL'));
    const tokenFile = join(dataDir, 'keys', 'ingest-token');
    const banner = await daemon.stderrMatching(/stop with Ctrl-C/);
    assert.ok(banner.includes(`curl -sS -H "Authorization: Bearer $(cat ${tokenFile})"`), banner);
    assert.ok(banner.includes(`${daemon.url}/ingest/events/demo`));
    const token = readFileSync(tokenFile, 'utf8').trim();
    assert.equal((await post(`${daemon.url}/ingest/events/demo`, token, [genericEvent(1)])).status, 202);
    assert.equal(await daemon.stop(), 0);
    assert.equal(git(join(dataDir, 'repo.git'), 'rev-list', '--count', 'main').trim(), '1');
  },
);

test(
  "gitrail ingest given the daemon's config hashes a secret as gitrail run does in the same data " + 'folder',
  async (t) => {
    const dir = tempDir(t);
    const dataDir = join(dir, 'data');
    const keyFile = join(dir, 'redaction.key');
    writeFileSync(keyFile, randomBytes(32));
    const config = join(dir, 'gitrail.yaml');
    writeFileSync(
      config,
      ['redaction:', `  keyFile: ${keyFile}`, '  sensitiveKeys: [pin]', 'drain:', '  flushIntervalMs: 50', ''].join(
        '\n',
      ),
    );
    const withPin = (index: number) => ({ ...genericEvent(index), object: { pin: 'same-secret-0123456789' } });
    const daemon = await startDaemonProcess({
      dataDir,
      args: ['--config', config],
      env: { GITRAIL_INGEST_TOKEN: TOKEN },
    });
    t.after(() => daemon.child.kill('SIGKILL'));
    assert.equal((await post(`${daemon.url}/ingest/events/locks`, TOKEN, [withPin(1)])).status, 202);
    assert.equal(await daemon.stop(), 0);
    const input = join(dir, 'events.ndjson');
    writeFileSync(input, `${JSON.stringify(withPin(2))}\n`);
    const ingest = gitrail(['ingest', '--config', config, '--data', dataDir, '--source', 'locks', input]);
    assert.equal(ingest.status, 0, ingest.stderr);
    const gitdir = join(dataDir, 'repo.git');
    const pinOf = (index: number) =>
      /pin: (.+)/.exec(git(gitdir, 'show', `main:custom/locks/feature-flags/flag-${index}.yaml`))?.[1];
    assert.match(pinOf(1) ?? '', /hmac-sha256:/);
    assert.equal(pinOf(2), pinOf(1));
    assert.equal(existsSync(join(dataDir, 'keys', 'redaction.key')), false, 'neither command made a key of its own');
  },
);
