import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { LedgerError } from '../domain/errors.ts';
import { bareRepository, git } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { readTexts } from './cat-file.ts';
import { RepositoryReader } from './reader.ts';

function repository(dir: string): { gitdir: string; commit: string; blob: string } {
  const { gitdir, hash } = bareRepository(dir);
  const blob = hash('héllo\nworld\n');
  const empty = hash('');
  const sub = execFileSync('git', ['--git-dir', gitdir, 'mktree'], {
    input: `100644 blob ${empty}\tempty.yaml\n`,
    encoding: 'utf8',
  }).trim();
  const tree = execFileSync('git', ['--git-dir', gitdir, 'mktree'], {
    input: `100644 blob ${blob}\ta.yaml\n040000 tree ${sub}\tfolder\n`,
    encoding: 'utf8',
  }).trim();
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t',
  };
  const commit = execFileSync('git', ['--git-dir', gitdir, 'commit-tree', tree, '-m', 'one'], {
    encoding: 'utf8',
    env,
  }).trim();
  return { gitdir, commit, blob };
}

test(
  'readTexts answers every name in order: blob texts, null for missing names, trees and names git cannot ' + 'be sent',
  async (t) => {
    const { gitdir, commit, blob } = repository(tempDir(t));
    const texts = await readTexts(gitdir, [
      `${commit}:a.yaml`,
      `${commit}:missing.yaml`,
      `${commit}:folder`,
      `${commit}:folder/empty.yaml`,
      `${commit}:a\n.yaml`,
      blob,
      '0'.repeat(40),
      `${commit}:a.yaml`,
    ]);
    assert.deepEqual(texts, ['héllo\nworld\n', null, null, '', null, 'héllo\nworld\n', null, 'héllo\nworld\n']);
    assert.deepEqual(await readTexts(gitdir, []), []);
    assert.deepEqual(await readTexts(gitdir, ['bad\0name']), [null]);
  },
);

test('the repository reader reads files and blobs through it', async (t) => {
  const { gitdir, commit, blob } = repository(tempDir(t));
  const reader = new RepositoryReader(gitdir);
  assert.equal(await reader.readFile(commit, 'a.yaml'), 'héllo\nworld\n');
  assert.equal(await reader.readFile(commit, 'folder'), null, 'a folder is not a file');
  assert.equal(await reader.readFile(commit, 'nope.yaml'), null);
  assert.equal(await reader.readBlob(blob), git(gitdir, 'cat-file', 'blob', blob));
  await assert.rejects(reader.readBlob('0'.repeat(40)), LedgerError);
});
