// The README's plain-git recipes, run as written on the repository `gitrail demo` fills: they
// select by author date (when a change happened) and agree with gitrail's own answers, while
// `git log --since` (committer date: when gitrail wrote it) and the reflog do not serve for that.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tmp.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const GITRAIL = join(ROOT, 'bin', 'gitrail.js');

function plainGitSection(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('**Plain git**');
  const end = readme.indexOf('**The web viewer**');
  assert.ok(start >= 0 && end > start, 'the README has its plain-git part');
  return readme.slice(start, end);
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

test("the README's plain-git recipes work as written and select by when a change happened", (t) => {
  const dir = tempDir(t);
  run(process.execPath, [GITRAIL, 'demo'], dir);
  const section = plainGitSection();
  const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(script, 'the part shows its recipes in a sh block');
  assert.doesNotMatch(script, /@\{/, 'no recipe relies on a reflog');
  const output = run('sh', ['-e', '-c', script], dir);

  const gitrail = (...args: string[]) => run(process.execPath, [GITRAIL, ...args, '--data', 'gitrail-data'], dir);
  const expected = gitrail(
    'changes',
    '--since',
    '2026-03-02T01:00:00Z',
    '--until',
    '2026-03-02T01:14:59Z',
    '-o',
    'json',
  )
    .trim()
    .split('\n')
    .map((line) => String((JSON.parse(line) as { sha: string }).sha).slice(0, 7));
  const [listing, file] = [
    output.split('\napiVersion:')[0] as string,
    `apiVersion:${output.split('\napiVersion:')[1]}`,
  ];
  assert.deepEqual(
    listing
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0])
      .sort(),
    [...expected].sort(),
  );
  const shown = gitrail('show', 'cm/nginx', '-n', 'shop', '--at', '2026-03-02T01:12:00Z').replace(/^(#[^\n]*\n)+/, '');
  assert.equal(file, shown);

  // Why the recipes filter on the author date: git's own time filters use the committer date.
  const env = { GIT_DIR: join(dir, 'gitrail-data', 'repo.git') };
  assert.equal(
    run('git', ['log', 'main', '--since=2026-03-02T01:00:00Z', '--until=2026-03-02T01:15:00Z'], dir, env),
    '',
  );
  assert.notEqual(
    spawnSync('git', ['rev-parse', 'main@{2026-03-02T01:12:00Z}'], { cwd: dir, env: { ...process.env, ...env } })
      .status,
    0,
  );
});
