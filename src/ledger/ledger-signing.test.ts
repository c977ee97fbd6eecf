// Bulk writing signs on the signing thread (commit-chain.ts): what git sees is the same as when
// every commit is signed in line — each commit verifies, period roll-overs name the closed
// period's real head, and ids read back while commits are still being signed are the final ones.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeRecord } from '../domain/change.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { SIGN_ON_THREAD_AFTER } from './commit-chain.ts';
import { Ledger } from './ledger.ts';

const HOUR = 3_600_000;
const start = Date.parse('2025-03-01T00:00:00Z');

function change(n: number, time: number): ChangeRecord {
  const name = `app-${n % 40}`;
  return {
    branch: n % 3 === 0 ? 'activity' : 'main',
    author: { name: `user${n % 7}@example.com`, email: `user${n % 7}@example.com` },
    time,
    subject: `update configmaps default/${name}`,
    trailers: [
      ['Source', 'test'],
      ['Event-ID', `e${n}`],
    ],
    source: 'test',
    eventId: `e${n}`,
    path: `kubernetes/prod/namespaces/default/core/configmaps/${name}.yaml`,
    update: {
      kind: 'put',
      doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { n: String(n) } },
    },
  };
}

test('commits signed on the thread verify with git, and daily periods roll over onto the right heads', async (t) => {
  const dataDir = tempDir(t);
  const gitdir = join(dataDir, 'repo.git');
  const count = SIGN_ON_THREAD_AFTER + 900;
  let now = start;
  const ledger = await Ledger.open({ dataDir, activityPeriod: 'day', flushEvery: 250, now: () => now });
  const shas = new Map<number, string>();
  let head: string | null = null;
  try {
    for (let n = 0; n < count; n += 1) {
      // Four days go by over the run: three roll-overs, the last two while the thread signs.
      now = start + Math.floor((n * 4 * 24 * HOUR) / count);
      const result = await ledger.apply({ record: change(n, now) });
      if (n % 97 === 0 && result.sha) shas.set(n, result.sha);
    }
    head = ledger.head('main');
  } finally {
    await ledger.close();
  }
  fsckStrict(gitdir);
  const all = git(gitdir, 'rev-list', '--all').trim().split('\n');
  assert.equal(all.length, count, 'every change one commit');
  assert.equal(git(gitdir, 'rev-parse', 'main').trim(), head, 'the head read while signing is the one stored');
  const unsigned = git(gitdir, 'log', '--all', '--format=raw')
    .split(/^commit /m)
    .filter((commit) => commit && !/^gpgsig -----BEGIN SSH SIGNATURE-----$/m.test(commit));
  assert.deepEqual(unsigned, [], 'every commit carries a signature');
  const signers = join(dataDir, 'keys', 'allowed_signers');
  const sample = [...all.filter((_, n) => n % 50 === 0), ...shas.values()];
  for (const sha of sample) git(gitdir, '-c', `gpg.ssh.allowedSignersFile=${signers}`, 'verify-commit', sha);
  // The ids answered while commits were being signed are those in the repository.
  for (const [n, sha] of shas) {
    assert.match(git(gitdir, 'cat-file', 'commit', sha), new RegExp(`Event-ID: e${n}$`, 'm'));
  }
  // Each period after the first starts from a root commit naming the closed period's head, its archive ref.
  const archives = git(gitdir, 'for-each-ref', '--format=%(refname:lstrip=3) %(objectname)', 'refs/archive/activity/')
    .trim()
    .split('\n');
  assert.deepEqual(
    archives.map((line) => line.split(' ')[0]),
    ['2025-03-01', '2025-03-02', '2025-03-03'],
  );
  const heads = archives.map((line) => line.split(' ')[1] as string);
  const roots = git(gitdir, 'rev-list', '--max-parents=0', 'activity', ...heads)
    .trim()
    .split('\n');
  const named = roots
    .map((root) => /^Previous-Period: (.*)$/m.exec(git(gitdir, 'cat-file', 'commit', root))?.[1])
    .filter((trailer): trailer is string => trailer !== undefined)
    .sort();
  assert.deepEqual(named, archives.sort());
});
