import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { restartWithFewArenas } from './malloc-arenas.ts';

const GITRAIL = join(import.meta.dirname, '../../bin/gitrail.js');

test('other commands, and an arena limit the user set, run in this process as they are', () => {
  restartWithFewArenas(['verify'], {});
  restartWithFewArenas(['ingest', 'x.json'], { MALLOC_ARENA_MAX: '8' });
});

test('gitrail ingest restarted with few arenas keeps its arguments, output and exit code', async () => {
  const env = { ...process.env };
  delete env['MALLOC_ARENA_MAX'];
  const { stdout } = await promisify(execFile)(process.execPath, [GITRAIL, 'ingest', '--help'], { env });
  assert.match(stdout, /^usage: gitrail ingest/);
  const failed = await promisify(execFile)(process.execPath, [GITRAIL, 'ingest'], { env }).catch((error) => error);
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /no input given/);
});
