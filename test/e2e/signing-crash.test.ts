// A kill -9 while the daemon signs commits and writes checkpoints leaves nothing unsigned on
// any ref: commits are signed in memory before their pack is written, and refs move only after
// that. The daemon is SIGKILLed moments after acknowledging batches (while it applies and signs
// them) with a checkpoint every second; afterwards git, ssh-keygen and gitrail verify agree.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../helpers/cli.ts';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon-process.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { auditEvent } from '../helpers/intake-fixtures.ts';
import { random } from '../helpers/random.ts';
import { tempDir } from '../helpers/tmp.ts';

const TOKEN = 'signing-crash-token-0123456789';
const BATCHES = 40;
const BATCH = 50;
const KILLS = 3;

test('SIGKILL while signing leaves no unsigned commit on any ref, and the checkpoint chain holds', {
  timeout: 120_000,
}, async (t) => {
  const seed = Number(process.env['CRASH_SEED'] ?? Date.now() % 1_000_000);
  t.diagnostic(`CRASH_SEED=${seed}`);
  const rand = random(seed);
  const dir = tempDir(t);
  const dataDir = join(dir, 'data');
  writeFileSync(join(dir, 'gitrail.yaml'), 'checkpoint:\n  interval: 1s\ndrain:\n  flushIntervalMs: 20\n');
  const start = () =>
    startDaemonProcess({
      dataDir,
      args: ['--config', join(dir, 'gitrail.yaml')],
      env: { GITRAIL_INGEST_TOKEN: TOKEN },
    });
  let daemon: DaemonProcess = await start();
  t.after(() => daemon.child.kill('SIGKILL'));
  const killAfter = new Set(Array.from({ length: KILLS }, (_, n) => Math.floor(((n + 1) * BATCHES) / (KILLS + 1))));
  for (let batch = 0; batch < BATCHES; batch += 1) {
    const body = JSON.stringify({
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      metadata: {},
      items: Array.from({ length: BATCH }, (_, n) => auditEvent(batch * BATCH + n)),
    });
    for (;;) {
      const response = await fetch(`${daemon.url}/ingest/kubernetes/prod/audit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body,
      }).catch(() => null);
      await response?.arrayBuffer();
      if (response && response.status < 300) break;
    }
    if (killAfter.has(batch)) {
      // The batch is acknowledged, so the drainer is applying (and signing) it right now.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(rand() * 30)));
      await daemon.kill();
      daemon = await start();
    }
  }
  assert.equal(await daemon.stop(), 0);

  const gitdir = join(dataDir, 'repo.git');
  const signers = join(dataDir, 'keys', 'allowed_signers');
  fsckStrict(gitdir);
  // Every commit object carries a signature header; git checks a sample of them (one ssh-keygen run per commit),
  // gitrail verify checks every one below.
  const commits = git(gitdir, 'log', '--all', '--format=raw')
    .split(/^commit /m)
    .filter(Boolean);
  assert.equal(commits.length, BATCHES * BATCH, 'every event committed once');
  assert.deepEqual(
    commits.filter((raw) => !/^gpgsig -----BEGIN SSH SIGNATURE-----$/m.test(raw)).map((raw) => raw.slice(0, 40)),
    [],
    'no commit on any ref lacks a signature',
  );
  const sample = commits.filter((_, n) => n % 10 === 0).map((raw) => raw.slice(0, 40));
  const statuses = git(
    gitdir,
    '-c',
    `gpg.ssh.allowedSignersFile=${signers}`,
    'show',
    '-s',
    '--format=%G? %H',
    ...sample,
  )
    .trim()
    .split('\n');
  assert.equal(statuses.length, sample.length);
  assert.deepEqual(
    statuses.filter((line) => !line.startsWith('G ')),
    [],
    'git verifies each sampled signature',
  );
  const tags = git(gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n');
  assert.ok(tags.length >= 2, `checkpoints were written (${tags.length})`);
  const verify = gitrail(['verify', '--data', dataDir]);
  assert.equal(verify.status, 0, verify.stderr);
});
