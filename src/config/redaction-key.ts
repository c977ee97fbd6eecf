// The per-installation key that secret hashes are made with. It lives outside the repository
// (`<data>/keys/redaction.key`, or the file named by redaction.keyFile or, failing that,
// GITRAIL_REDACTION_KEY_FILE) so the hashes in git can never be brute-forced by someone who only
// has a clone. Every command that writes a data folder reads it the same way.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../domain/errors.ts';
import type { Config } from './schema.ts';
import { dataFolder } from '../domain/data-folder.ts';

export const REDACTION_KEY_ENV = 'GITRAIL_REDACTION_KEY_FILE';
const MIN_KEY_BYTES = 16;

/** A key file named by the configuration or the environment, with the setting that named it. */
export interface NamedKeyFile {
  readonly path: string;
  readonly where: string;
}

/** redaction.keyFile, else GITRAIL_REDACTION_KEY_FILE; null when the default `<data>/keys/redaction.key` applies. */
export function namedKeyFile(config: Config, env: NodeJS.ProcessEnv): NamedKeyFile | null {
  if (config.redaction.keyFile) return { path: config.redaction.keyFile, where: 'redaction.keyFile' };
  const fromEnv = env[REDACTION_KEY_ENV];
  return fromEnv ? { path: fromEnv, where: REDACTION_KEY_ENV } : null;
}

/** Reads a key file; throws ConfigError (`where: …`) when it cannot be read or holds fewer than 16 bytes. */
export function readRedactionKey({ path, where }: NamedKeyFile): Uint8Array {
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (error) {
    throw new ConfigError([`${where}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`]);
  }
  if (key.length < MIN_KEY_BYTES) throw new ConfigError([`${where}: ${path} holds fewer than ${MIN_KEY_BYTES} bytes`]);
  return key;
}

/** The named key file (it must exist), else `<data>/keys/redaction.key`, created (random, mode 0600) on first use. */
export function loadRedactionKey(dataDir: string, options: { file?: NamedKeyFile | null } = {}): Uint8Array {
  if (options.file) return readRedactionKey(options.file);
  const path = dataFolder(dataDir).redactionKey;
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32), { mode: 0o600, flag: 'wx' });
  }
  return readRedactionKey({ path, where: 'redaction key' });
}
