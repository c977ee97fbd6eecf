// The per-installation key that secret hashes are made with. It lives outside the repository
// (`<data>/keys/redaction.key`, or the file named by GITRAIL_REDACTION_KEY_FILE) so the hashes
// in git can never be brute-forced by someone who only has a clone.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../domain/errors.ts';

export function redactionKeyPath(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env['GITRAIL_REDACTION_KEY_FILE'] || join(dataDir, 'keys', 'redaction.key');
}

/** Reads the key, creating a random one (mode 0600) on first use. */
export function loadRedactionKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const path = redactionKeyPath(dataDir, env);
  if (!existsSync(path)) {
    if (env['GITRAIL_REDACTION_KEY_FILE']) throw new ConfigError([`GITRAIL_REDACTION_KEY_FILE: ${path} does not exist`]);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
  }
  const key = readFileSync(path);
  if (key.length < 16) throw new ConfigError([`${path}: the redaction key must hold at least 16 bytes`]);
  return key;
}
