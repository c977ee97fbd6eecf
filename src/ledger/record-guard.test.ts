import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ChangeRecord } from '../domain/change.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Ledger } from './ledger.ts';

function record(eventId: string, time: number, over: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    eventId,
    branch: 'main',
    path: `custom/guard/flags/${eventId}.yaml`,
    update: { kind: 'put', doc: { enabled: true } },
    author: { name: 'alice', email: 'alice@example.com' },
    time,
    subject: `update flags/${eventId}`,
    trailers: [
      ['Source', 'generic/guard'],
      ['Event-ID', eventId],
    ],
    source: 'generic/guard',
    ...over,
  };
}

test(
  'issue 10: a commit that git fsck --strict or a receive.fsckObjects remote would refuse ' + 'is never written',
  async (t) => {
    const dir = tempDir(t);
    const ledger = await Ledger.open({ dataDir: join(dir, 'data'), now: () => Date.parse('2026-01-02T00:00:00Z') });
    // badDate (-5 s, 1e300 written as 1e+297), badDateOverflow (2^64 s and more), no date at all.
    for (const time of [-5000, 1e300, 1e23, Number.NaN, Number.POSITIVE_INFINITY])
      await assert.rejects(ledger.apply({ record: record(`t${time}`, time) }), /time/, String(time));
    const controls = record('ctl', Date.parse('2026-01-01T00:00:00Z'), {
      author: { name: 'mallory\u0000\u001b[31m\u202Eevil', email: 'm\u0007@example.com' },
      subject: 'update\u0000 flags/ctl\u001b]8;;\u0007',
      trailers: [
        ['Source', 'generic/guard'],
        ['Event-ID', 'ctl'],
        ['User-Agent', 'curl\u0000/8\u202E'],
      ],
    });
    assert.equal((await ledger.apply({ record: controls })).outcome, 'committed', 'the ledger goes on');
    await ledger.close();

    const gitdir = join(dir, 'data', 'repo.git');
    fsckStrict(gitdir);
    const header = git(gitdir, 'cat-file', 'commit', 'main');
    assert.doesNotMatch(header, /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
    assert.match(header, /^author mallory\[31mevil <m@example\.com> 1767225600 \+0000$/m);
    const remote = join(dir, 'remote.git');
    execFileSync('git', ['init', '--quiet', '--bare', remote]);
    execFileSync('git', ['--git-dir', remote, 'config', 'receive.fsckObjects', 'true']);
    git(gitdir, 'push', '--quiet', remote, 'main');
    assert.equal(git(remote, 'rev-list', '--count', 'main').trim(), '1');
  },
);
