import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { LedgerError } from '../domain/errors.ts';
import { bareRepository } from '../../test/helpers/git.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { CatFileBatch } from './cat-file-batch.ts';

const repository = bareRepository;

test('reads objects in order through one git process: a large one, and ones written after it started', async (t) => {
  const { gitdir, hash } = repository(tempDir(t));
  const large = 'x'.repeat(300_000);
  const small = hash('héllo\n');
  const big = hash(large);
  const reader = new CatFileBatch(gitdir);
  const [one, two] = await Promise.all([reader.read(big), reader.read(small)]);
  assert.equal(one?.type, 'blob');
  assert.equal(Buffer.from(one?.content ?? []).toString('utf8'), large);
  assert.equal(Buffer.from(two?.content ?? []).toString('utf8'), 'héllo\n');
  const later = hash('written later\n');
  assert.equal(Buffer.from((await reader.read(later)).content).toString('utf8'), 'written later\n');
  reader.close();
});

test('a missing object is an error naming it, and the reader goes on answering', async (t) => {
  const { gitdir, hash } = repository(tempDir(t));
  const reader = new CatFileBatch(gitdir);
  const missing = '0123456789012345678901234567890123456789';
  await assert.rejects(
    reader.read(missing),
    (error: Error) => error instanceof LedgerError && error.message.includes(missing),
  );
  const blob = hash('still here\n');
  assert.equal(Buffer.from((await reader.read(blob)).content).toString('utf8'), 'still here\n');
  reader.close();
  // After close, the next read starts another git process.
  assert.equal(Buffer.from((await reader.read(blob)).content).toString('utf8'), 'still here\n');
  reader.close();
});
