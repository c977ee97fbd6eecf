import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { DiffTreeBatch } from './diff-tree-batch.ts';

/** A work tree whose commits change `a.yaml`, `odd "name".yaml` and, once, both in one commit. */
function repository(dir: string): { gitdir: string; commit: (files: Record<string, string>) => string } {
  const run = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      encoding: 'utf8',
    });
  mkdirSync(dir, { recursive: true });
  run('init', '--quiet');
  return {
    gitdir: join(dir, '.git'),
    commit: (files) => {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      run('add', '--all');
      run('commit', '--quiet', '-m', 'change');
      return run('rev-parse', 'HEAD').trim();
    },
  };
}

test("diff-tree's patches per commit and file are git log's, for requests in flight together and later", async (t) => {
  const { gitdir, commit } = repository(tempDir(t));
  const odd = 'odd "name".yaml';
  const shas = [
    commit({ 'a.yaml': 'one\ntwo\nthree\n' }),
    commit({ 'a.yaml': 'one\n2\nthree\nfour\n', [odd]: 'x\n' }),
    commit({ [odd]: 'x\ny\n' }),
  ];
  const logPatch = (sha: string, path: string) => {
    const out = git(gitdir, 'log', '--no-walk', '--root', '--format=', '-p', '-U0', '--no-renames', sha, '--', path);
    return out.slice(out.indexOf('diff --git'));
  };
  const batch = new DiffTreeBatch(gitdir);
  t.after(() => batch.close());
  const [first, second] = await Promise.all([batch.patches(shas.slice(0, 2)), batch.patches(shas.slice(1))]);
  assert.equal(first.get(`${shas[0]}\0a.yaml`), logPatch(shas[0] as string, 'a.yaml'));
  assert.equal(first.get(`${shas[1]}\0a.yaml`), logPatch(shas[1] as string, 'a.yaml'));
  assert.equal(first.get(`${shas[1]}\0${odd}`), logPatch(shas[1] as string, odd));
  assert.equal(second.get(`${shas[2]}\0${odd}`), logPatch(shas[2] as string, odd));
  assert.equal(second.has(`${shas[2]}\0a.yaml`), false, 'a file the commit did not change');
  const later = commit({ 'a.yaml': 'zero\n' });
  assert.equal((await batch.patches([later])).get(`${later}\0a.yaml`), logPatch(later, 'a.yaml'));
});
