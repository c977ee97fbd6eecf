// Commands started from the spawner's helper process: the same answers as started from here
// (output, input, exit codes, a missing command), side by side, and nothing kept alive after.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { runGit } from './git-cli.ts';
import { runCommand, SpawnError } from './spawner.ts';

test('git run through the helper answers as git run here: output, input, exit codes, failures', async (t) => {
  const gitdir = tempDir(t);
  execFileSync('git', ['init', '--quiet', '--bare', gitdir]);
  const blob = 'x'.repeat(3_000_000);
  const oid = (await runGit(gitdir, ['hash-object', '-w', '--stdin'], { input: blob })).stdout.toString().trim();
  assert.equal(oid, execFileSync('git', ['hash-object', '--stdin'], { input: blob }).toString().trim());
  const many = await Promise.all(Array.from({ length: 40 }, () => runGit(gitdir, ['cat-file', 'blob', oid])));
  for (const result of many) assert.equal(result.stdout.toString(), blob, 'a 3 MB answer, 40 at once');
  const missing = await runGit(gitdir, ['rev-parse', '--verify', '-q', 'refs/heads/none'], { okCodes: [1] });
  assert.equal(missing.code, 1);
  await assert.rejects(
    runGit(gitdir, ['cat-file', 'blob', 'f'.repeat(40)]),
    /git cat-file blob f+ failed \(exit 128\)/,
  );
});

test('a command that cannot start is a SpawnError naming why; one killed by a signal has no code', async () => {
  await assert.rejects(runCommand('gitrail-no-such-command', []), (error: unknown) => {
    assert.ok(error instanceof SpawnError);
    assert.equal(error.code, 'ENOENT');
    return true;
  });
  const killed = await runCommand('sh', ['-c', 'kill -9 $$']);
  assert.equal(killed.code, null);
});

test('the helper does not keep a process alive once its commands ended', () => {
  const script = `import { runCommand } from ${JSON.stringify(new URL('./spawner.ts', import.meta.url).href)};
const { stdout } = await runCommand('echo', ['done']);
process.stdout.write(stdout);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.stdout, 'done\n');
  assert.equal(run.status, 0, 'exits by itself, without waiting for the timeout');
});
