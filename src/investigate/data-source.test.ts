import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { runCli } from '../cli/main.ts';
import { captureIo } from '../../test/helpers/capture-io.ts';
import { buildInvestigateData, INCIDENT } from '../../test/helpers/investigate-data.ts';
import { runIngest } from '../ingest/run-ingest.ts';
import { tempDir } from '../../test/helpers/tmp.ts';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = captureIo();
  const code = await runCli(args, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('--repo reads a plain clone like the data folder, and catches up after a fetch', async (t) => {
  const data = tempDir(t);
  const gitdir = await buildInvestigateData(data, { corpus: false });
  const clone = join(tempDir(t), 'clone');
  execFileSync('git', ['clone', '--quiet', gitdir, clone]);
  for (const args of [
    ['changes', '-o', 'json'],
    ['changes', '--activity'],
    ['blame', 'aws', 'iam', 'role', 'payments-authorize'],
    ['show', 'deploy/api', '--cluster', 'prod', '--at', '2026-03-09T02:00Z'],
    ['log', 'deploy/web', '--cluster', 'default'],
  ]) {
    const fromData = await cli([...args, '--data', data]);
    const fromClone = await cli([...args, '--repo', clone]);
    assert.equal(fromClone.code, 0, fromClone.stderr);
    assert.equal(fromClone.stdout, fromData.stdout, args.join(' '));
  }
  assert.ok(existsSync(join(clone, '.git', 'gitrail-index.db')), 'the derived index lives in .git');
  assert.ok(
    readdirSync(join(clone, '.git', 'objects', 'info')).some((name) => name.startsWith('commit-graph')),
    'a commit-graph was written',
  );

  // New history upstream: a fetch moves origin/main only; the next run indexes just the new commits.
  await runIngest({
    dataDir: data,
    paths: [join(INCIDENT, 'late-change.ndjson')],
    cluster: 'prod',
    genericSource: 'events',
    redactionKey: new Uint8Array(32).fill(7),
    sensitiveKeys: [],
    onProblem: (file, line, reason) => assert.fail(`${file}:${line} ${reason}`),
  });
  execFileSync('git', ['-C', clone, 'fetch', '--quiet']);
  const after = await cli(['changes', '--repo', clone, '--since', '2026-03-09T02:30Z', '-o', 'line']);
  assert.match(
    after.stdout,
    new RegExp(
      String.raw`2026-03-09T02:40:00Z {2}prod:payments\/deployment\/api {2}dave@example.com {2}patch ` +
        String.raw`{2}containers\[api\].image ….example.com\/payments\/api:2.4.0→2.3.0\n$`,
    ),
  );
  assert.equal(
    (await cli(['changes', '--repo', clone, '-o', 'json'])).stdout,
    (await cli(['changes', '--data', data, '-o', 'json'])).stdout,
  );

  const notRepo = await cli(['changes', '--repo', tempDir(t)]);
  assert.equal(notRepo.code, 1);
  assert.match(notRepo.stderr, /is not a git repository \(no .git folder\)/);
});

test('reads work while a daemon holds the writer lock and writes (read-only index, WAL)', async (t) => {
  const data = tempDir(t);
  await buildInvestigateData(data, { corpus: false });
  const writer = spawn(process.execPath, [join(import.meta.dirname, '__fixtures__/hold-writer.ts'), data], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  t.after(() => writer.kill());
  const answers = createInterface({ input: writer.stdout })[Symbol.asyncIterator]();
  const commit = async (line: string) => {
    writer.stdin.write(`${line}\n`);
    return (await answers.next()).value as string;
  };
  assert.equal(await commit('flags one 2026-03-09T02:50:00Z'), 'flushed 1');
  assert.equal(readFileSync(join(data, 'writer.lock'), 'utf8').trim(), String(writer.pid));
  const first = await cli(['changes', '--data', data, '--cluster', 'live', '-o', 'line']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /live:ops\/configmap\/flags {2}daemon-test {2}update {2}created\n$/);
  // The daemon goes on writing; the next read sees it, and the lock was never disturbed.
  assert.equal(await commit('flags two 2026-03-09T02:51:00Z'), 'flushed 2');
  const second = await cli(['log', 'cm/flags', '--data', data, '--cluster', 'live']);
  const flagsLine = /^[0-9a-f]{7} {2}2026-03-09T02:51:00Z {2}daemon-test {2}update {2}data.value one→two\n/;
  assert.match(second.stdout, flagsLine);
  const blamed = await cli(['blame', 'live:ops/configmap/flags', '--data', data]);
  assert.match(blamed.stdout, /daemon-test 2026-03-09T02:51:00Z \d\) {3}value: two\n/);
  assert.equal(readFileSync(join(data, 'writer.lock'), 'utf8').trim(), String(writer.pid));
  writer.stdin.end();
  await once(writer, 'close');
});
