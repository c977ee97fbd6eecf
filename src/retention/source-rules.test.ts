// Per-source retention rules (issue 11 item 5) over a simulated stretch of time with the real
// ledger and git: Kubernetes Events go to their own line `activity-events` in daily periods and
// expire after 30 days, while other activity stays on `activity` for 400 days; every removal is
// in a signed checkpoint, verify passes, an events archive deleted by hand is caught, main is
// untouched, and `gitrail changes` (data folder and clone) lists both lines.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../../test/helpers/cli.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { writeActivityYear } from '../../test/helpers/activity-year.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { RetentionConfig } from '../checkpoint/config.ts';
import { IndexDb } from '../index/index-db.ts';
import { periodEnd } from '../ledger/periods.ts';
import { readSigners } from '../signing/key-store.ts';
import { verifyRepository } from '../verify/verify.ts';

const DAY = 86_400_000;

function refs(gitdir: string, prefix: string): string[] {
  return git(gitdir, 'for-each-ref', '--format=%(refname)', prefix).trim().split('\n').filter(Boolean);
}

/** The `Activity:` trailer of every commit reachable from `revs`. */
function activityKinds(gitdir: string, ...revs: string[]): Set<string> {
  const out = git(gitdir, 'log', '--format=%H %(trailers:key=Activity,valueonly,separator=%x2C)', ...revs);
  return new Set(
    out
      .trim()
      .split('\n')
      .map((line) => line.slice(41).trim() || '(none)'),
  );
}

test('Kubernetes Events kept 30 days on their own line while other activity is kept 400 days', async (t) => {
  const dataDir = tempDir(t);
  const gitdir = join(dataDir, 'repo.git');
  const start = Date.UTC(2025, 0, 1);
  await writeActivityYear({
    dataDir,
    start,
    days: 100,
    perDay: 3,
    eventsPerDay: 6,
    checkpointEvery: 7,
    retention: 400 * DAY,
    rules: [{ name: 'events', match: { activity: 'kubernetes-event' }, keep: 30 * DAY, period: 'day' }],
  });
  fsckStrict(gitdir);
  const lastCheckpoint = start + 98 * DAY - 1000; // 2025-04-08T23:59:59Z
  assert.equal(
    git(
      gitdir,
      'for-each-ref',
      '--sort=-taggerdate',
      '--count=1',
      '--format=%(refname:lstrip=3)',
      'refs/tags/checkpoints/',
    ).trim(),
    '20250408T235959Z',
  );

  // Other activity: monthly periods, all kept (400 days).
  assert.deepEqual(refs(gitdir, 'refs/archive/activity/'), [
    'refs/archive/activity/2025-01',
    'refs/archive/activity/2025-02',
    'refs/archive/activity/2025-03',
  ]);
  // Events: daily periods, those that ended 30 days before the last checkpoint are gone.
  const events = refs(gitdir, 'refs/archive/activity-events/').map((ref) => ref.split('/').at(-1) as string);
  assert.equal(events[0], '2025-03-09', 'the oldest day kept ended less than 30 days before the checkpoint');
  assert.equal(events.at(-1), '2025-04-09', 'closed after the last checkpoint, on the last day written');
  for (const period of events) assert.ok(periodEnd(period) + 30 * DAY > lastCheckpoint, period);

  // Each removal is in a signed checkpoint; the removed days are every day before 9 March.
  const messages = git(gitdir, 'for-each-ref', '--format=%(contents)', 'refs/tags/checkpoints/');
  const removed = [...messages.matchAll(/^Removed: (\S+) ([0-9a-f]{40}) retention (\S+)$/gm)];
  const expected = Array.from(
    { length: 67 },
    (_, day) => `events/${new Date(start + day * DAY).toISOString().slice(0, 10)}`,
  );
  assert.deepEqual(
    removed.map((match) => match[1]),
    expected,
  );
  assert.ok(removed.every((match) => match[3] === '30d'));
  assert.match(messages, /^Activity-Line: events [0-9a-f]{40}$/m);
  assert.match(messages, /^Archived: events\/2025-04-07 [0-9a-f]{40}$/m);

  // Each line holds only its own activity; the events line's period root names the day before.
  assert.deepEqual(activityKinds(gitdir, 'activity', '--glob=refs/archive/activity/*'), new Set(['(none)']));
  assert.deepEqual(
    activityKinds(gitdir, 'activity-events', '--glob=refs/archive/activity-events/*'),
    new Set(['kubernetes-event']),
  );
  const root = git(gitdir, 'rev-list', '--max-parents=0', 'activity-events').trim();
  const previous = git(gitdir, 'rev-parse', 'refs/archive/activity-events/2025-04-09').trim();
  assert.match(
    git(gitdir, 'show', '-s', '--format=%B', root),
    new RegExp(`^Previous-Period: 2025-04-09 ${previous}$`, 'm'),
  );

  // main untouched: one linear history of every weekly change.
  assert.equal(git(gitdir, 'rev-list', '--count', 'main').trim(), String(Math.ceil(100 / 7)));
  assert.equal(git(gitdir, 'rev-list', '--count', '--max-parents=0', 'main').trim(), '1');
  // The index forgot the removed days' commits along with git.
  const index = new IndexDb(join(dataDir, 'index.db'), { readOnly: true });
  assert.equal(
    index.commitCount(),
    Number(git(gitdir, 'rev-list', '--count', '--branches', '--glob=refs/archive/*').trim()),
  );
  index.close();

  const signers = readSigners(join(dataDir, 'keys', 'allowed_signers'));
  assert.deepEqual((await verifyRepository({ gitdir, dataDir, signers })).problems, []);

  // Reads see both lines: the data folder and a plain clone.
  const listed = (args: string[]) =>
    new Set(
      gitrail(['changes', ...args, '--activity', '--since', '2025-04-09T00:00:00Z', '-o', 'json'])
        .stdout.trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { source: string }).source),
    );
  assert.deepEqual(listed(['--data', dataDir]), new Set(['kubernetes-audit', 'kubernetes-watch']));
  const clone = join(tempDir(t), 'clone');
  execFileSync('git', ['clone', '--quiet', '--no-checkout', gitdir, clone]);
  assert.deepEqual(listed(['--repo', clone]), new Set(['kubernetes-audit', 'kubernetes-watch']));

  // An events archive deleted by hand, without a checkpoint recording it, is tampering.
  git(gitdir, 'update-ref', '-d', 'refs/archive/activity-events/2025-03-20');
  const repoOnly = await verifyRepository({ gitdir, signers });
  assert.equal(repoOnly.problems[0]?.object, 'ref refs/archive/activity-events/2025-03-20');
  assert.match(
    repoOnly.problems[0]?.reason ?? '',
    /^archived period events\/2025-03-20 was at [0-9a-f]{40}, now gone without a retention record$/,
  );
  const withData = await verifyRepository({ gitdir, dataDir, signers });
  assert.equal(withData.ok, false);
});

test('retention rules are checked: a name git cannot use, a name given twice, keep 0, nothing to match', () => {
  const problems = (rules: unknown[]) => {
    const result = RetentionConfig.safeParse({ activity: '400d', rules });
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };
  assert.deepEqual(problems([{ name: 'events', match: { activity: 'kubernetes-event' }, keep: '30d' }]), []);
  assert.match(
    problems([{ name: 'kube/events', match: { source: 'kubernetes-*' }, keep: '30d' }]).join(),
    /^rules\.0\.name: a rule name is one git ref component/,
  );
  assert.deepEqual(
    problems([
      { name: 'events', match: { source: 'kubernetes-watch' }, keep: '30d' },
      { name: 'events', match: { activity: 'denied' }, keep: '90d' },
    ]),
    ['rules.1.name: a second rule named events'],
  );
  assert.deepEqual(problems([{ name: 'events', match: { source: 'kubernetes-watch' }, keep: 0 }]), [
    'rules.0.keep: keep must be longer than 0 (drop the rule to keep everything)',
  ]);
  assert.deepEqual(problems([{ name: 'events', match: {}, keep: '30d' }]), [
    'rules.0.match: name at least one of source, activity, path',
  ]);
});
