// Retention that keeps the proof (issue 11 item 5), over a simulated year with the real ledger
// and git: activity is written in monthly periods, closed periods are archived and later removed
// by retention, each removal recorded in a signed checkpoint, main never rewritten; verify tells
// a retention removal from an archive deleted by hand.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { writeActivityYear } from '../../test/helpers/activity-year.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { readSigners } from '../signing/key-store.ts';
import { verifyRepository } from '../verify/verify.ts';
import { IndexDb } from '../index/index-db.ts';

const DAY = 86_400_000;

test('a year of activity in monthly periods: expired periods removed and recorded, the rest provable', async (t) => {
  const dataDir = tempDir(t);
  const gitdir = join(dataDir, 'repo.git');
  const { end } = await writeActivityYear({
    dataDir,
    start: Date.UTC(2025, 0, 1),
    days: 365,
    perDay: 4,
    checkpointEvery: 14,
    retention: 90 * DAY,
  });
  fsckStrict(gitdir);
  assert.equal(new Date(end).toISOString().slice(0, 10), '2025-12-31');
  const last = git(
    gitdir,
    'for-each-ref',
    '--sort=-taggerdate',
    '--count=1',
    '--format=%(refname:lstrip=3)',
    'refs/tags/checkpoints/',
  ).trim();
  assert.equal(last, '20251230T235959Z', 'every 14 days, the last on 30 December');
  const archives = git(gitdir, 'for-each-ref', '--format=%(refname:lstrip=3)', 'refs/archive/activity/')
    .trim()
    .split('\n');
  // Kept: periods that ended less than 90 days before the last checkpoint (30 December); December is still open.
  assert.deepEqual(archives, ['2025-10', '2025-11']);
  const messages = git(gitdir, 'for-each-ref', '--format=%(contents)', 'refs/tags/checkpoints/');
  const removed = [...messages.matchAll(/^Removed: (\d{4}-\d{2}) ([0-9a-f]{40}) retention 90d$/gm)].map(
    (match) => match[1],
  );
  assert.deepEqual(removed, [
    '2025-01',
    '2025-02',
    '2025-03',
    '2025-04',
    '2025-05',
    '2025-06',
    '2025-07',
    '2025-08',
    '2025-09',
  ]);

  // The current period starts from a root commit naming the closed one.
  const root = git(gitdir, 'rev-list', '--max-parents=0', 'activity').trim();
  const november = git(gitdir, 'rev-parse', 'refs/archive/activity/2025-11').trim();
  assert.match(
    git(gitdir, 'show', '-s', '--format=%B', root),
    new RegExp(`^Previous-Period: 2025-11 ${november}$`, 'm'),
  );
  assert.equal(git(gitdir, 'rev-list', '--count', 'activity').trim(), String(31 * 4));
  // main was never rewritten: one linear history of every weekly change.
  assert.equal(git(gitdir, 'rev-list', '--count', 'main').trim(), '53');
  assert.equal(git(gitdir, 'rev-list', '--count', '--max-parents=0', 'main').trim(), '1');
  // The index forgot the removed periods' commits along with git.
  const index = new IndexDb(join(dataDir, 'index.db'), { readOnly: true });
  assert.equal(
    index.commitCount(),
    Number(git(gitdir, 'rev-list', '--count', '--branches', '--glob=refs/archive/*').trim()),
  );
  index.close();

  const signers = readSigners(join(dataDir, 'keys', 'allowed_signers'));
  const report = await verifyRepository({ gitdir, dataDir, signers });
  assert.deepEqual(report.problems, []);

  // An archive deleted by hand, without a checkpoint recording it, is tampering.
  git(gitdir, 'update-ref', '-d', 'refs/archive/activity/2025-10');
  const novemberCommits = new Set(git(gitdir, 'rev-list', `${november}`).trim().split('\n'));
  const tampered = await verifyRepository({ gitdir, dataDir, signers });
  assert.match(tampered.problems[0]?.object ?? '', /^commit [0-9a-f]{40}$/);
  assert.match(
    tampered.problems[0]?.reason ?? '',
    /removed from history$/,
    'the data folder names the commits that went',
  );
  assert.ok(
    !novemberCommits.has(tampered.problems[0]?.object.slice(7) as string),
    'they are October commits, not November ones',
  );
  const repoOnly = await verifyRepository({ gitdir, signers });
  assert.equal(repoOnly.problems[0]?.object, 'ref refs/archive/activity/2025-10');
  assert.match(
    repoOnly.problems[0]?.reason ?? '',
    /^archived period 2025-10 was at [0-9a-f]{40}, now gone without a retention record$/,
  );
});
