// The shipped executables: `gitrail` (exit statuses a script can rely on) and the kubectl
// plugin, found by the real kubectl on PATH (`kubectl gitrail changes -n payments`).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { buildInvestigateData } from '../../test/helpers/investigate-data.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin');
const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
})();

let data = '';
before(async () => {
  data = mkdtempSync(join(tmpdir(), 'gitrail-bin-'));
  process.on('exit', () => rmSync(data, { recursive: true, force: true }));
  await buildInvestigateData(data, { corpus: false });
});

async function gitrail(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(BIN, 'gitrail.js'), ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('gitrail exits 0 on success, 1 for an unknown resource or a bad time, 2 for a bad command line', async () => {
  assert.equal((await gitrail(['log', 'deploy/api', '--cluster', 'prod', '--data', data])).code, 0);
  const unknown = await gitrail(['blame', 'deploy/nope', '--data', data]);
  assert.deepEqual(
    [unknown.code, unknown.stdout, unknown.stderr],
    [1, '', 'gitrail blame: no recorded resource matches deploy/nope\n'],
  );
  const badTime = await gitrail(['show', 'deploy/api', '--cluster', 'prod', '--at', 'the day before', '--data', data]);
  assert.equal(badTime.code, 1);
  assert.match(badTime.stderr, /^gitrail show: bad --at 'the day before': expected an ISO-8601 time/);
  const badOption = await gitrail(['changes', '--sinse', '1h', '--data', data]);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /^gitrail changes: unknown option '--sinse'/);
  const help = await gitrail(['changes', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: gitrail changes \[options\]\n/);
});

test('kubectl finds the plugin and passes its arguments: kubectl gitrail changes -n payments', {
  skip: !hasKubectl && 'kubectl is not installed',
}, async (t) => {
  const plugins = tempDir(t);
  symlinkSync(join(BIN, 'kubectl-gitrail.js'), join(plugins, 'kubectl-gitrail'));
  const env = {
    ...process.env,
    PATH: `${plugins}:${join(process.execPath, '..')}:${process.env['PATH'] ?? ''}`,
    KUBECONFIG: join(plugins, 'no-kubeconfig'),
  };
  const { stdout } = await run(
    'kubectl',
    ['gitrail', 'changes', '-n', 'payments', '--context', 'staging', '--data', data, '-o', 'json'],
    { env },
  );
  assert.deepEqual(
    stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { time: string; key: string }).time),
    ['2026-03-09T02:14:59Z', '2026-03-09T01:50:00Z'],
  );
  const blame = await run(
    'kubectl',
    ['gitrail', 'blame', 'deploy', 'api', '-n', 'payments', '--cluster', 'prod', '--data', data],
    { env },
  );
  assert.match(blame.stdout, /^# prod:payments\/deployment\/api /);
  await assert.rejects(
    run('kubectl', ['gitrail', 'log', 'deploy/api', '-n', 'payments', '--data', data], { env }),
    (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr, /deploy\/api is ambiguous, 2 resources match/);
      return true;
    },
  );
});
