import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { runCli } from '../main.ts';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (chunk: Buffer) => (chunks.out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (chunks.err += chunk.toString()));
  const code = await runCli(args, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env,
  });
  return { code, ...chunks };
}

test('gitrail check-config prints each problem as path: message and exits 1', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'gitrail.yaml');
  writeFileSync(file, 'listen: nowhere\nintake:\n  cloudtrail:\n    tokens: [{ env: CT_TOKEN }]\n    colour: blue\n');
  const bad = await cli(['check-config', '--config', file]);
  assert.equal(bad.code, 1);
  assert.equal(bad.err, `listen: must be host:port\nintake.cloudtrail.colour: unknown key\n${file}: 2 problems\n`);
  writeFileSync(file, 'intake:\n  cloudtrail:\n    tokens: [{ env: CT_TOKEN }]\n');
  const missing = await cli(['check-config', '--config', file]);
  assert.equal(
    missing.err,
    `intake.cloudtrail.tokens[0]: environment variable CT_TOKEN is not set\n${file}: 1 problem\n`,
  );
  const good = await cli(['check-config', '--config', file], { CT_TOKEN: 'cloudtrail-token-0123456789' });
  assert.equal(good.code, 0);
  assert.equal(good.out, `${file}: valid\n`);
  writeFileSync(file, 'viewer:\n  tokens: [{ name: ops, secret: { env: VIEW } }]\n');
  const viewer = await cli(['check-config', '--config', file], { VIEW: 'short' });
  assert.equal(
    viewer.err,
    `viewer.tokens[0].secret: a viewer token must be at least 16 characters long\n${file}: 1 problem\n`,
  );
});

test('gitrail run refuses an invalid configuration before touching the data folder', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'gitrail.yaml');
  writeFileSync(file, `data: ${join(dir, 'data')}\nwhat: 1\n`);
  const result = await cli(['run', '--config', file]);
  assert.equal(result.code, 2);
  assert.equal(result.err, `gitrail run: ${file}: what: unknown key\n`);
  assert.equal(existsSync(join(dir, 'data')), false);
});

test('check-config warns when sensitiveKeys looks like it meant to replace the defaults (issue 10)', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'gitrail.yaml');
  writeFileSync(file, 'redaction:\n  sensitiveKeys: [password, apiSecret]\n');
  const result = await cli(['check-config', '--config', file]);
  assert.equal(result.code, 0, 'a warning is not a problem');
  assert.match(result.err, /^warning: redaction\.sensitiveKeys: .*secretString.* adds to the defaults/m);
  writeFileSync(file, 'redaction:\n  sensitiveKeys: [apiSecret]\n');
  assert.equal((await cli(['check-config', '--config', file])).err, '');
});
