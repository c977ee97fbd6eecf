// Killing the writer at any moment (SIGKILL, mid-batch) leaves a repository that passes
// `git fsck --strict`, and re-running the same ingest completes it: every event committed
// exactly once, none lost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeAuditWorkload } from '../../bench/workload.ts';
import { random } from '../helpers/random.ts';
import { fsckStrict, git } from '../helpers/git.ts';
import { gitrail } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gitrail.js');

async function killMidway(args: readonly string[], afterMs: number): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return code as number | null;
}

test('SIGKILL at random moments never corrupts the repository nor loses or repeats a commit', async (t) => {
  const dir = tempDir(t);
  const workload = await writeAuditWorkload(join(dir, 'input'), 400, 2600, 11);
  const data = join(dir, 'data');
  const args = ['ingest', '--data', data, '--cluster', 'bench', workload.file];
  const rand = random(5);
  let killed = 0;
  for (let round = 0; round < 6; round += 1) {
    const code = await killMidway(args, 300 + Math.floor(rand() * 900));
    if (code === null) killed += 1;
    // Killed before the repository was created there is nothing to check; once it exists it is whole.
    if (existsSync(join(data, 'repo.git'))) fsckStrict(join(data, 'repo.git'));
  }
  assert.ok(killed >= 3, `only ${killed} runs were killed mid-way; the workload is too small for this machine`);
  const last = gitrail([...args.slice(0, -1), '--json', workload.file]);
  assert.equal(last.status, 0, last.stderr);
  const gitdir = join(data, 'repo.git');
  fsckStrict(gitdir);
  const ids = git(gitdir, 'log', '--format=%(trailers:key=Event-ID,valueonly,separator=)', 'main').trim().split('\n');
  assert.equal(ids.length, workload.events, 'every event committed');
  assert.equal(new Set(ids).size, workload.events, 'no event committed twice');
  assert.equal(git(gitdir, 'count-objects', '-v').match(/^count: (\d+)$/m)?.[1], '0', 'no loose objects');
});
