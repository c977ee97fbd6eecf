import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { RepositoryReader } from './reader.ts';

test('issue 10: a path is a path to git, never a pattern (--literal-pathspecs)', async (t) => {
  const work = tempDir(t);
  const folder = join(work, 'custom', 'flags');
  mkdirSync(folder, { recursive: true });
  const names = ['*.yaml', 'a.yaml', ':(exclude)a.yaml'];
  const run = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd: work,
      encoding: 'utf8',
    });
  run('init', '--quiet');
  for (const name of names) writeFileSync(join(folder, name), `name: ${name}\n`);
  run('add', '--all');
  run('commit', '--quiet', '-m', 'three files');
  const sha = run('rev-parse', 'HEAD').trim();
  const reader = new RepositoryReader(join(work, '.git'));
  for (const name of names) {
    const diff = await reader.diff(sha, `custom/flags/${name}`);
    const files = [...diff.matchAll(/^diff --git a\/(.*) b\//gm)].map((match) => match[1]);
    assert.deepEqual(files, [`custom/flags/${name}`], name);
  }
  const blamed = await reader.blame('custom/flags/*.yaml', sha);
  assert.deepEqual(
    blamed.map((line) => line.text),
    ['name: *.yaml'],
  );
});
