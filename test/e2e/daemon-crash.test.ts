// Crash safety: the real daemon is SIGKILLed at random moments while clients post 20,000 audit
// events (re-posting what got no answer, as the apiserver does), and while it drains; every
// acknowledged event must be committed exactly once, fsck clean. CRASH_SEED=<n> replays a run.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { auditEvent, auditId } from '../helpers/intake-fixtures.ts';
import { CrashingDaemon } from '../helpers/crashing-daemon.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { tempDir } from '../helpers/tmp.ts';
import { random } from '../helpers/random.ts';

const TOKEN = 'crash-test-token-0123456789';
const EVENTS = 20_000;
const BATCH = 100;
const CLIENTS = 4;
/** Kills while clients post, then while the daemon drains the backlog they left. */
const KILLS_WHILE_POSTING = 4;
const KILLS_WHILE_DRAINING = 2;

test('SIGKILL at random moments loses no acknowledged event and commits none twice', {
  timeout: 480_000,
}, async (t) => {
  const seed = Number(process.env['CRASH_SEED'] ?? Date.now() % 1_000_000);
  t.diagnostic(`CRASH_SEED=${seed}`);
  const rand = random(seed);
  const dir = tempDir(t);
  const dataDir = join(dir, 'data');
  // The backlog left when the posting ends is drained before a graceful exit (minutes on a loaded CI machine).
  writeFileSync(join(dir, 'gitrail.yaml'), 'shutdownTimeoutMs: 240000\n');
  const crashing = await CrashingDaemon.start(t, {
    dataDir,
    args: ['--config', join(dir, 'gitrail.yaml')],
    env: { GITRAIL_INGEST_TOKEN: TOKEN },
    killsWhilePosting: KILLS_WHILE_POSTING,
    acksBeforeKill: () => 5 + Math.floor(rand() * 35),
    killDelayMs: () => Math.floor(rand() * 40),
  });
  const serverErrors: number[] = [];

  const pending = Array.from({ length: EVENTS / BATCH }, (_, batch) => batch);
  const acked = new Set<number>();
  const bodyOf = (batch: number) =>
    JSON.stringify({
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      metadata: {},
      items: Array.from({ length: BATCH }, (_, n) => auditEvent(batch * BATCH + n)),
    });
  const worker = async () => {
    for (let batch = pending.shift(); batch !== undefined; batch = pending.shift()) {
      const body = bodyOf(batch);
      for (;;) {
        const response = await crashing.post('/ingest/kubernetes/prod/audit', TOKEN, body);
        await response.arrayBuffer();
        if (response.status >= 200 && response.status <= 206) break;
        if (response.status >= 500) serverErrors.push(response.status);
      }
      acked.add(batch);
      crashing.acknowledged();
    }
  };
  await Promise.race([Promise.all(Array.from({ length: CLIENTS }, worker)), crashing.failed]);
  await crashing.settled();
  assert.equal(crashing.kills, KILLS_WHILE_POSTING, 'the daemon was killed while the clients posted');
  for (let round = 0; round < KILLS_WHILE_DRAINING; round += 1) {
    // A moment into draining the backlog: mid-apply, mid-flush or mid-maintenance.
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(rand() * 2500)));
    await crashing.crash();
  }
  assert.equal(acked.size, EVENTS / BATCH);
  assert.deepEqual(serverErrors, []);
  const code = await crashing.daemon.stop();
  const errors = crashing.daemon.logs.filter((line) => Number(line['level']) >= 40);
  assert.equal(code, 0, `the last daemon exited ${code}:\n${errors.map((line) => JSON.stringify(line)).join('\n')}`);

  const gitdir = join(dataDir, 'repo.git');
  fsckStrict(gitdir);
  const ids = git(gitdir, 'log', '--format=%(trailers:key=Event-ID,valueonly)', 'main')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const missing: number[] = [];
  const twice: number[] = [];
  for (let index = 0; index < EVENTS; index += 1) {
    const count = counts.get(auditId(index)) ?? 0;
    if (count === 0) missing.push(index);
    if (count > 1) twice.push(index);
  }
  assert.deepEqual({ missing: missing.slice(0, 10), twice: twice.slice(0, 10) }, { missing: [], twice: [] });
  assert.equal(ids.length, EVENTS);
  assert.equal(git(gitdir, 'for-each-ref', 'refs/heads/activity').trim(), '', 'nothing went to activity');
  assert.deepEqual(
    readdirSync(join(dataDir, 'journal')).filter((name) => name.endsWith('.log')).length,
    1,
    'drained segments were deleted',
  );
});
