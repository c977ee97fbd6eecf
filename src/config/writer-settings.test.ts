import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../domain/errors.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { checkConfig } from './load.ts';
import { writerSettings } from './writer-settings.ts';

const KEY = Buffer.alloc(32, 9);

test('ingest and demo read the data folder, key file and sensitive keys from the config run uses', (t) => {
  const dir = tempDir(t);
  const keyFile = join(dir, 'redaction.key');
  writeFileSync(keyFile, KEY);
  const file = join(dir, 'gitrail.yaml');
  writeFileSync(file, `data: ${join(dir, 'from-file')}\nredaction: { keyFile: ${keyFile}, sensitiveKeys: [pin] }\n`);
  const settings = writerSettings({ file, env: { GITRAIL_REDACTION_KEY_FILE: join(dir, 'other.key') } });
  assert.equal(settings.dataDir, join(dir, 'from-file'));
  assert.deepEqual(Buffer.from(settings.redactionKey), KEY, 'redaction.keyFile beats GITRAIL_REDACTION_KEY_FILE');
  assert.deepEqual(settings.sensitiveKeys, ['pin']);
  assert.equal(
    writerSettings({ file, data: join(dir, 'flag'), env: { GITRAIL_DATA: join(dir, 'env') } }).dataDir,
    join(dir, 'flag'),
  );
  assert.equal(writerSettings({ file: undefined, env: { GITRAIL_CONFIG: file } }).sensitiveKeys[0], 'pin');
});

test("without a named key file the data folder's own key is created once (0600); a named one must exist", (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'gitrail.yaml');
  writeFileSync(file, `data: ${join(dir, 'data')}\n`);
  const first = writerSettings({ file, env: {} });
  const keyPath = join(dir, 'data', 'keys', 'redaction.key');
  assert.equal(statSync(keyPath).mode & 0o777, 0o600);
  assert.deepEqual(Buffer.from(writerSettings({ file, env: {} }).redactionKey), Buffer.from(first.redactionKey));
  assert.deepEqual(Buffer.from(first.redactionKey), readFileSync(keyPath));

  const missing = join(dir, 'missing.key');
  assert.throws(
    () => writerSettings({ file, env: { GITRAIL_REDACTION_KEY_FILE: missing } }),
    (error: unknown) =>
      error instanceof ConfigError && error.message === `GITRAIL_REDACTION_KEY_FILE: cannot read ${missing} (ENOENT)`,
  );
  writeFileSync(file, `data: ${join(dir, 'data')}\nredaction: { keyFile: ${missing} }\n`);
  assert.throws(
    () => writerSettings({ file, env: {} }),
    (error: unknown) =>
      error instanceof ConfigError && error.message === `redaction.keyFile: cannot read ${missing} (ENOENT)`,
  );
  assert.equal(existsSync(missing), false, 'a named key file is never created');
});

test('check-config names the setting of a key file that cannot be used, from the config or the environment', (t) => {
  const dir = tempDir(t);
  const short = join(dir, 'short.key');
  writeFileSync(short, 'too short');
  const file = join(dir, 'gitrail.yaml');
  writeFileSync(file, `data: ${join(dir, 'data')}\n`);
  assert.deepEqual(checkConfig({ file, env: { GITRAIL_REDACTION_KEY_FILE: short } }).problems, [
    `GITRAIL_REDACTION_KEY_FILE: ${short} holds fewer than 16 bytes`,
  ]);
  writeFileSync(file, `data: ${join(dir, 'data')}\nredaction: { keyFile: ${join(dir, 'nope.key')} }\n`);
  assert.deepEqual(checkConfig({ file, env: {} }).problems, [
    `redaction.keyFile: cannot read ${join(dir, 'nope.key')} (ENOENT)`,
  ]);
});
