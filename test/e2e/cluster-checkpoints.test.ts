// Issue 11 item 2 and issue 13's identities in cluster mode, with real nats-server and git: the
// writer holding a shard's lease writes its signed checkpoints (on the interval and at handover),
// a writer killed mid-run is followed by one that continues the same chain from the remote's
// tags, and a clone of the shard's remote verifies with `gitrail verify --repo` (no gap, no
// fork) while a deleted checkpoint is caught. The shard repositories show one author per person.
// With a retention rule, denied requests go to the shard's own `activity-denied` line, which the
// remote receives and every checkpoint names (`Activity-Line: denied`), across the failover too.
import assert from 'node:assert/strict';
import { sharedSigningKey } from '../helpers/signing-key.ts';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../helpers/cli.ts';
import { ClusterRig } from '../helpers/cluster-rig.ts';
import { auditBody, eventIdCounts, postUntilAcknowledged, writersByReplica } from '../helpers/cluster-checks.ts';
import { auditEvent } from '../helpers/intake-fixtures.ts';
import { logLine } from '../helpers/daemon-process.ts';
import { git } from '../helpers/git.ts';
import { until } from '../helpers/nats-cluster.ts';
import { tempDir } from '../helpers/tmp.ts';

const SHARD = 'kubernetes-prod';
const BATCH = 50;
const PERSON = { name: 'User Zero', email: 'zero@example.com', aliases: ['user-0@example.com'] };

interface Tag {
  readonly name: string;
  readonly number: number;
  readonly reason: string;
  readonly previous: string;
  readonly journalSeq: number;
}

/** The checkpoint tags of a repository, by number. */
function checkpoints(gitdir: string): Tag[] {
  const names = git(gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n').filter(Boolean);
  return names
    .map((name) => {
      const text = git(gitdir, 'cat-file', 'tag', name);
      const field = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(text)?.[1] ?? '';
      return {
        name,
        number: Number(field('Checkpoint')),
        reason: field('Reason'),
        previous: field('Previous').split(' ')[0] as string,
        journalSeq: Number(field('Journal-Seq')),
      };
    })
    .sort((a, b) => a.number - b.number);
}

async function post(rig: ClusterRig, batches: readonly number[], via: number): Promise<void> {
  for (const batch of batches)
    await postUntilAcknowledged(rig, '/ingest/kubernetes/prod/audit', auditBody(batch * BATCH, BATCH), via);
}

async function holderOf(rig: ClusterRig): Promise<number> {
  let holder = -1;
  await until(async () => {
    for (const [index, shards] of await writersByReplica(rig)) if (shards.includes(SHARD)) holder = index;
    return holder >= 0;
  }, 'a writer of the shard');
  return holder;
}

/** Requests the API server refused (403): activity `denied`. */
function deniedBody(first: number, count: number): string {
  const items = Array.from({ length: count }, (_, n) => ({
    ...auditEvent(first + n),
    annotations: { 'authorization.k8s.io/decision': 'forbid' },
    responseStatus: { metadata: {}, code: 403 },
  }));
  return JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items });
}

/** Whether `gitdir` has the branch and every checkpoint from the `from`-th on names it as a retention line. */
function lineNamed(gitdir: string, rule: string, from = 0): boolean {
  const branch = git(gitdir, 'for-each-ref', `refs/heads/activity-${rule}`).trim() !== '';
  const tags = checkpoints(gitdir).slice(from);
  const named = tags.every((tag) =>
    new RegExp(`^Activity-Line: ${rule} [0-9a-f]{40}$`, 'm').test(git(gitdir, 'cat-file', 'tag', tag.name)),
  );
  return branch && tags.length > 0 && named;
}

function verify(clone: string, signers: string) {
  return gitrail(['verify', '--repo', clone, '--allowed-signers', signers]);
}

test('cluster checkpoints: one chain across a killed writer and a handover; a clone verifies; tampering is caught', {
  timeout: 600_000,
}, async (t) => {
  const keys = tempDir(t);
  const { keyFile, signers } = sharedSigningKey(keys);
  const rig = await ClusterRig.start(t, {
    natsNodes: 1,
    replicas: 2,
    shards: [SHARD],
    config: {
      checkpoint: { interval: '2s' },
      signing: { keyFile },
      identities: [PERSON],
      retention: { activity: '400d', rules: [{ name: 'denied', match: { activity: 'denied' }, keep: '30d' }] },
    },
  });
  const remote = rig.remote(SHARD);

  await post(rig, [0, 1, 2, 3], 0);
  await postUntilAcknowledged(rig, '/ingest/kubernetes/prod/audit', deniedBody(100_000, 5), 0);
  await until(
    () => eventIdCounts(remote).size >= 4 * BATCH && checkpoints(remote).length >= 2,
    'events and two checkpoints on the remote',
    120_000,
  );
  await until(() => eventIdCounts(remote, 'activity-denied').size === 5, 'the denied requests on their line', 60_000);
  const lineFrom = checkpoints(remote).length;
  await until(() => lineNamed(remote, 'denied', lineFrom), 'a checkpoint naming the denied line', 60_000);
  const first = await holderOf(rig);
  // Killed mid-run: the other writer takes the lease and continues the chain from the remote's last tag.
  const sending = post(rig, [4, 5, 6, 7], 1 - first);
  await rig.killReplica(first);
  await sending;
  const pushedBefore = checkpoints(remote).length;
  const taker = rig.replica(1 - first);
  await logLine(taker, (entry) => entry['msg'] === 'shard restored; writing' && entry['shard'] === SHARD);
  await until(
    () => eventIdCounts(remote).size >= 8 * BATCH && checkpoints(remote).length >= pushedBefore + 2,
    'the new writer checkpoints on the remote',
    180_000,
  );

  // The killed replica comes back; a graceful stop of the holder hands the shard over with a checkpoint.
  await rig.startReplica(first);
  await post(rig, [8, 9], 1 - first);
  await until(() => eventIdCounts(remote).size >= 10 * BATCH, 'the events before the handover', 120_000);
  assert.equal(await taker.stop(), 0, 'a graceful stop hands the shard over');
  rig.replicas[1 - first] = null;
  const handed = checkpoints(remote);
  assert.equal(handed.at(-1)?.reason, 'shutdown', 'the last checkpoint before the handover is its own');
  const back = rig.replica(first);
  await logLine(back, (entry) => entry['msg'] === 'shard restored; writing' && entry['shard'] === SHARD);
  await post(rig, [10, 11], first);
  await until(
    () => eventIdCounts(remote).size >= 12 * BATCH && checkpoints(remote).length >= handed.length + 2,
    'the returning writer checkpoints on the remote',
    180_000,
  );
  assert.equal(await back.stop(), 0);
  rig.replicas[first] = null;

  // One chain: numbers 1..n, each naming the one before it, journal sequences never going back.
  const chain = checkpoints(remote);
  t.diagnostic(`${chain.length} checkpoints: ${chain.map((tag) => `${tag.number}/${tag.reason}`).join(' ')}`);
  assert.deepEqual(
    chain.map((tag) => tag.number),
    chain.map((_, index) => index + 1),
    'no gap and no fork',
  );
  chain.forEach((tag, index) => {
    assert.equal(tag.previous, index === 0 ? 'none' : chain[index - 1]?.name);
    assert.ok(tag.journalSeq >= (chain[index - 1]?.journalSeq ?? 0), `${tag.name}: Journal-Seq does not go back`);
  });
  assert.ok(chain.filter((tag) => tag.reason === 'shutdown').length >= 2, 'a checkpoint at each graceful handover');

  // The line stayed with the shard through the failover and the handovers: every later checkpoint names it.
  assert.ok(lineNamed(remote, 'denied', lineFrom), 'each checkpoint after the first denied request names its line');
  assert.equal(eventIdCounts(remote, 'activity-denied').size, 5);

  const clone = join(tempDir(t), 'shard.git');
  execFileSync('git', ['clone', '--quiet', '--mirror', remote, clone]);
  const verified = verify(clone, signers);
  assert.equal(verified.status, 0, verified.stderr);
  assert.match(verified.stdout, new RegExp(`${chain.length} checkpoints, last ${chain.at(-1)?.name}`));

  // A checkpoint deleted from the shard's history is caught and named.
  const middle = chain[Math.floor(chain.length / 2)] as Tag;
  git(clone, 'tag', '-d', middle.name);
  const tampered = verify(clone, signers);
  assert.equal(tampered.status, 1, tampered.stdout);
  assert.match(tampered.stderr, /checkpoint/);

  // Identities: the shard repository of a writer shows one author per person; a clone does with its mailmap.
  const local = join(rig.dataDir(first), 'shards', SHARD);
  assert.ok(existsSync(join(local, 'mailmap')));
  const mapped = git(join(local, 'repo.git'), 'log', '--format=%aN <%aE>', `--author=${PERSON.email}`, 'main');
  assert.ok(mapped.split('\n').filter(Boolean).length >= 1, 'git log --author finds the person by their e-mail');
  assert.deepEqual(new Set(mapped.trim().split('\n')), new Set([`${PERSON.name} <${PERSON.email}>`]));
  const raw = git(clone, 'log', '--format=%aE', `--author=${PERSON.email}`, 'main');
  assert.equal(raw.trim(), '', 'the remote carries the record as written: no mailmap');
  const viaFile = git(clone, '-c', `mailmap.file=${join(local, 'mailmap')}`, 'log', '--format=%aE', '--use-mailmap');
  assert.ok(viaFile.includes(PERSON.email), 'a clone maps with the mailmap file');
});
