// The signing key of a data folder and the record of every key it has used. The key is
// `<data>/keys/signing.key` (created on first use, 0600, OpenSSH format) or `signing.keyFile`;
// the record is `<data>/keys/allowed_signers`, an allowed-signers file whose `valid-after` /
// `valid-before` say from when to when each key signed, so it is the list `git verify-commit`
// and `gitrail verify` check against. A key that is not the last one recorded starts a period.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../domain/errors.ts';
import { writeFileDurably, writeSynced, fsyncDirectory } from '../ledger/durable-file.ts';
import { formatAllowedSigner, parseAllowedSigners, type AllowedSigner } from './allowed-signers.ts';
import { decodePrivateKey, encodePrivateKey, generateSigningKey, type SigningKey } from './ssh-key.ts';
import { dataFolder } from '../domain/data-folder.ts';

export interface KeyFile {
  readonly path: string;
  /** The setting that named it, for errors. */
  readonly where: string;
}

export interface Signing {
  readonly key: SigningKey;
  /** Epoch ms from which this key signs (its `valid-after`), or null for the first key. */
  readonly validAfter: number | null;
  /** Every key with its period, oldest first (the allowed_signers file). */
  readonly signers: readonly AllowedSigner[];
  readonly allowedSignersFile: string;
}

export interface SigningOptions {
  /** signing.keyFile; null for `<data>/keys/signing.key`. */
  readonly file?: KeyFile | null;
  /** The principal named in allowed_signers (the committer's email). */
  readonly principal: string;
  readonly now: () => number;
}

const HEADER = [
  "# gitrail's signing keys, each with the period it signed (valid-after / valid-before, UTC).",
  '# Verify with: git -c gpg.ssh.allowedSignersFile=<this file> verify-commit <commit>',
];

export function defaultKeyPath(dataDir: string): string {
  return dataFolder(dataDir).signingKey;
}

export function allowedSignersPath(dataDir: string): string {
  return dataFolder(dataDir).allowedSigners;
}

function createKeyFile(path: string, comment: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeSynced(path, Buffer.from(encodePrivateKey(generateSigningKey(comment))), { flag: 'wx', mode: 0o600 });
  fsyncDirectory(dirname(path));
}

function readKeyFile({ path, where }: KeyFile): SigningKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${where}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`]);
  }
  try {
    return decodePrivateKey(text);
  } catch (error) {
    throw new ConfigError([`${where}: ${path}: ${(error as Error).message}`]);
  }
}

export function readSigners(path: string): AllowedSigner[] {
  if (!existsSync(path)) return [];
  try {
    return parseAllowedSigners(readFileSync(path, 'utf8'), path);
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
}

function writeSigners(path: string, signers: readonly AllowedSigner[]): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileDurably(path, `${[...HEADER, ...signers.map(formatAllowedSigner)].join('\n')}\n`);
}

/** Whole seconds: allowed-signers times have no finer grain. */
const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * Loads the signing key (creating the default one on first use) and brings allowed_signers up
 * to date: a key seen for the first time closes the previous key's period and opens its own now.
 */
export function loadSigning(dataDir: string, options: SigningOptions): Signing {
  const file = options.file ?? { path: defaultKeyPath(dataDir), where: 'signing key' };
  if (!options.file && !existsSync(file.path)) createKeyFile(file.path, `gitrail ${options.principal}`);
  if (!options.file && (statSync(file.path).mode & 0o077) !== 0)
    throw new ConfigError([`${file.where}: ${file.path} is readable by others; chmod 600 it`]);
  const key = readKeyFile(file);
  const path = allowedSignersPath(dataDir);
  const signers = readSigners(path);
  const last = signers.at(-1);
  if (last?.publicKey.raw.equals(key.publicKey.raw) && last.validBefore === null)
    return { key, validAfter: last.validAfter, signers, allowedSignersFile: path };
  if (signers.some((signer) => signer.publicKey.raw.equals(key.publicKey.raw)))
    throw new ConfigError([
      `${file.where}: ${file.path} holds ${key.publicKey.fingerprint}, a key whose period is closed in ` +
        `${path}; use a new key`,
    ]);
  const at = last ? toSecond(options.now()) : null;
  const next: AllowedSigner[] = [
    ...signers.map((signer, index) =>
      index === signers.length - 1 && at !== null ? { ...signer, validBefore: at } : signer,
    ),
    { principals: options.principal, namespaces: ['git'], validAfter: at, validBefore: null, publicKey: key.publicKey },
  ];
  writeSigners(path, next);
  return { key, validAfter: at, signers: next, allowedSignersFile: path };
}

/** A new key for `gitrail signing-key rotate`, written beside the current one until the rotation completes. */
export function prepareRotation(dataDir: string, principal: string): SigningKey {
  const next = `${defaultKeyPath(dataDir)}.next`;
  rmSync(next, { force: true });
  createKeyFile(next, `gitrail ${principal}`);
  return readKeyFile({ path: next, where: 'new signing key' });
}

/** Makes the prepared key the signing key from `at` on; the retired private key is gone afterwards. */
export function completeRotation(dataDir: string, principal: string, at: number): Signing {
  const path = defaultKeyPath(dataDir);
  renameSync(`${path}.next`, path);
  fsyncDirectory(dirname(path));
  return loadSigning(dataDir, { principal, now: () => at });
}
