// Ed25519 keys as OpenSSH writes them: the public key blob and `ssh-ed25519 AAAA…` line, its
// SHA256 fingerprint, and the unencrypted `openssh-key-v1` private key file (PROTOCOL.key), so
// a key gitrail creates is one `ssh-keygen -y -f` reads and one gitrail reads back.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { armour, dearmour, SshReader, sshStrings, uint32 } from './ssh-wire.ts';

export const ED25519 = 'ssh-ed25519';
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const PRIVATE_LABEL = 'OPENSSH PRIVATE KEY';

export interface PublicKey {
  /** The 32-byte Ed25519 public key. */
  readonly raw: Buffer;
  /** The SSH wire blob: `string "ssh-ed25519" || string raw`. */
  readonly blob: Buffer;
  /** `ssh-ed25519 AAAA…` as in authorized_keys and allowed_signers. */
  readonly line: string;
  /** `SHA256:…` as `ssh-keygen -l` prints it. */
  readonly fingerprint: string;
  readonly keyObject: KeyObject;
}

export interface SigningKey {
  readonly publicKey: PublicKey;
  readonly privateKey: KeyObject;
  readonly comment: string;
}

function base64url(data: Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

export function publicKeyFromRaw(raw: Uint8Array): PublicKey {
  if (raw.length !== 32) throw new Error(`an Ed25519 public key has 32 bytes, not ${raw.length}`);
  const bytes = Buffer.from(raw);
  const blob = sshStrings(ED25519, bytes);
  return {
    raw: bytes,
    blob,
    line: `${ED25519} ${blob.toString('base64')}`,
    fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
    keyObject: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url(bytes) }, format: 'jwk' }),
  };
}

/** The key of an SSH wire blob; throws when it is not an Ed25519 key. */
export function publicKeyFromBlob(blob: Uint8Array): PublicKey {
  const reader = new SshReader(blob);
  const type = reader.text('key type');
  if (type !== ED25519) throw new Error(`${type} keys are not supported (only ${ED25519})`);
  return publicKeyFromRaw(reader.string('public key'));
}

/** Parses `ssh-ed25519 AAAA… [comment]`; null when the text is no Ed25519 public key. */
export function parsePublicKeyLine(text: string): PublicKey | null {
  const match = /^ssh-ed25519 ([A-Za-z0-9+/]+={0,2})(?:\s|$)/.exec(text.trim());
  if (!match) return null;
  try {
    return publicKeyFromBlob(Buffer.from(match[1] as string, 'base64'));
  } catch {
    return null;
  }
}

function keyFromSeed(seed: Uint8Array, raw: Uint8Array, comment: string): SigningKey {
  const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: base64url(seed), x: base64url(raw) },
    format: 'jwk',
  });
  const derived = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url');
  if (!derived.equals(Buffer.from(raw))) throw new Error('the private key does not match its public key');
  return { publicKey: publicKeyFromRaw(raw), privateKey, comment };
}

export function generateSigningKey(comment: string): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return keyFromSeed(Buffer.from(jwk.d as string, 'base64url'), Buffer.from(jwk.x as string, 'base64url'), comment);
}

/** The key as an unencrypted OpenSSH private key file. */
export function encodePrivateKey(key: SigningKey): string {
  const jwk = key.privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d as string, 'base64url');
  const raw = key.publicKey.raw;
  const check = randomBytes(4);
  let list = Buffer.concat([check, check, sshStrings(ED25519, raw, Buffer.concat([seed, raw]), key.comment)]);
  const padding = (8 - (list.length % 8)) % 8;
  list = Buffer.concat([list, Buffer.from(Array.from({ length: padding }, (_, index) => index + 1))]);
  const body = Buffer.concat([MAGIC, sshStrings('none', 'none', ''), uint32(1), sshStrings(key.publicKey.blob, list)]);
  return armour(PRIVATE_LABEL, body);
}

/** Reads an unencrypted Ed25519 OpenSSH private key file; throws an Error saying what is wrong. */
export function decodePrivateKey(text: string): SigningKey {
  const body = dearmour(PRIVATE_LABEL, text);
  if (!body) throw new Error('not an OpenSSH private key (no BEGIN OPENSSH PRIVATE KEY block)');
  if (!body.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an openssh-key-v1 private key');
  const reader = new SshReader(body.subarray(MAGIC.length));
  const cipher = reader.text('cipher name');
  reader.string('kdf name');
  reader.string('kdf options');
  if (cipher !== 'none') throw new Error('the key is encrypted with a passphrase; gitrail needs an unencrypted key');
  if (reader.uint32('key count') !== 1) throw new Error('the file must hold exactly one key');
  reader.string('public key');
  const list = new SshReader(reader.string('private keys'));
  if (!list.bytes(4, 'check').equals(list.bytes(4, 'check'))) throw new Error('the private key is corrupt');
  const type = list.text('key type');
  if (type !== ED25519) throw new Error(`${type} keys are not supported (only ${ED25519})`);
  const raw = list.string('public key');
  const secret = list.string('private key');
  if (secret.length !== 64) throw new Error('the Ed25519 private key is not 64 bytes');
  return keyFromSeed(secret.subarray(0, 32), raw, list.text('comment'));
}
