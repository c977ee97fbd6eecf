import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { writeFileDurably } from './durable-file.ts';

test('writeFileDurably replaces the file whole, readable by its owner only, and leaves no temp file', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'state.json');
  writeFileDurably(path, '{"seq":1}\n');
  writeFileDurably(path, Buffer.from('{"seq":22}\n'));
  assert.equal(readFileSync(path, 'utf8'), '{"seq":22}\n');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['state.json']);
});
