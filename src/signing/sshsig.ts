// SSH signatures (OpenSSH PROTOCOL.sshsig), the format `git` uses with gpg.format=ssh and
// `ssh-keygen -Y sign|verify` reads: the signed data is a preamble, the namespace and the
// SHA-512 of the message; the armoured blob carries the public key beside the signature.
import { createHash, hash, sign, verify } from 'node:crypto';
import { ED25519, publicKeyFromBlob, type PublicKey, type SigningKey } from './ssh-key.ts';
import { armourBase64, dearmour, SshReader, sshStrings, uint32 } from './ssh-wire.ts';

const MAGIC = Buffer.from('SSHSIG', 'latin1');
const VERSION = 1;
const LABEL = 'SSH SIGNATURE';
export const GIT_NAMESPACE = 'git';

export interface SshSignature {
  readonly publicKey: PublicKey;
  readonly namespace: string;
  readonly hashAlgorithm: 'sha256' | 'sha512';
  /** The raw 64-byte Ed25519 signature. */
  readonly signature: Buffer;
  /** The whole decoded blob (what `Previous-Signature` hashes). */
  readonly blob: Buffer;
}

function signedData(namespace: string, hash: 'sha256' | 'sha512', message: Uint8Array): Buffer {
  const digest = createHash(hash).update(message).digest();
  return Buffer.concat([MAGIC, sshStrings(namespace, '', hash, digest)]);
}

/**
 * The armour `signSsh` writes for one key and namespace, cut around its only variable part, the
 * base64 of the blob's last bytes (`blobTail`, then the 64-byte signature): whoever signs
 * SHA-512(`signedDataHead` || digest) can write the armour without building it, as the signing
 * thread writes commits (signer-ring.ts). `breaks`: where line breaks (`\n`) fall in the variable part.
 */
export interface ArmourLayout {
  /** The signed data without the message's SHA-512 (64 bytes follow). */
  readonly signedDataHead: Buffer;
  /** The constant blob bytes before the signature that the variable base64 covers. */
  readonly blobTail: Buffer;
  readonly head: string;
  /** The length of the variable part's base64. */
  readonly variable: number;
  readonly breaks: readonly number[];
  readonly end: string;
}

/**
 * What signing with one key for one namespace needs: the layout, and buffers reused by every call
 * for the signed data (the message's hash is written after its head) and the variable part.
 * A signature is then one SHA-512, one Ed25519 signature, a 88-character base64 and a few joins.
 */
interface Signer {
  readonly layout: ArmourLayout;
  readonly data: Buffer;
  readonly tail: Buffer;
}

const SHA512_BYTES = 64;
const ED25519_SIGNATURE_BYTES = 64;
const LINE = 70;
const signers = new WeakMap<SigningKey, Map<string, Signer>>();

function makeLayout(key: SigningKey, namespace: string): ArmourLayout {
  const signatureHead = Buffer.concat([sshStrings(ED25519), uint32(ED25519_SIGNATURE_BYTES)]);
  const blobHead = Buffer.concat([
    MAGIC,
    uint32(VERSION),
    sshStrings(key.publicKey.blob, namespace, '', 'sha512'),
    uint32(signatureHead.length + ED25519_SIGNATURE_BYTES),
    signatureHead,
  ]);
  const whole = blobHead.length - (blobHead.length % 3);
  const base64Head = blobHead.toString('base64', 0, whole);
  const at = base64Head.length;
  // Padded base64: 4 characters per 3 bytes begun.
  const variable = 4 * Math.ceil((blobHead.length - whole + ED25519_SIGNATURE_BYTES) / 3);
  const wrapped = armourBase64(LABEL, `${base64Head}${'A'.repeat(variable)}`);
  const breaks: number[] = [];
  for (let line = LINE; line < at + variable; line += LINE) if (line > at) breaks.push(line - at);
  // The head: `-----BEGIN SSH SIGNATURE-----\n`, then the base64 up to the variable part with its line breaks.
  const headEnd = `-----BEGIN ${LABEL}-----\n`.length + at + Math.floor(at / LINE);
  return {
    signedDataHead: Buffer.concat([MAGIC, sshStrings(namespace, '', 'sha512'), uint32(SHA512_BYTES)]),
    blobTail: blobHead.subarray(whole),
    head: wrapped.slice(0, headEnd),
    variable,
    breaks,
    end: wrapped.slice(headEnd + variable + breaks.length),
  };
}

function makeSigner(key: SigningKey, namespace: string): Signer {
  const layout = makeLayout(key, namespace);
  const data = Buffer.alloc(layout.signedDataHead.length + SHA512_BYTES);
  layout.signedDataHead.copy(data);
  const tail = Buffer.alloc(layout.blobTail.length + ED25519_SIGNATURE_BYTES);
  layout.blobTail.copy(tail);
  return { layout, data, tail };
}

function signerFor(key: SigningKey, namespace: string): Signer {
  let byNamespace = signers.get(key);
  if (!byNamespace) signers.set(key, (byNamespace = new Map()));
  let signer = byNamespace.get(namespace);
  if (!signer) byNamespace.set(namespace, (signer = makeSigner(key, namespace)));
  return signer;
}

/** The armour of every signature by `key` for `namespace`, cut around its variable part. */
export function armourLayout(key: SigningKey, namespace = GIT_NAMESPACE): ArmourLayout {
  return signerFor(key, namespace).layout;
}

/**
 * Signs `message` for `namespace` with SHA-512, as `ssh-keygen -Y sign` does; returns the armour
 * (ends in `\n`). The constant parts are built once per key and namespace (every commit is signed).
 */
export function signSsh(key: SigningKey, message: Uint8Array, namespace = GIT_NAMESPACE): string {
  const { layout, data, tail } = signerFor(key, namespace);
  hash('sha512', message, 'buffer').copy(data, layout.signedDataHead.length);
  sign(null, data, key.privateKey).copy(tail, layout.blobTail.length);
  const variable = tail.toString('base64');
  let armour = layout.head;
  let from = 0;
  for (const at of layout.breaks) {
    armour += `${variable.slice(from, at)}\n`;
    from = at;
  }
  return `${armour}${variable.slice(from)}${layout.end}`;
}

/**
 * Parses an SSH signature armour; throws an Error saying what is wrong with it. `keys` caches
 * public keys by blob, for callers that check many signatures by few keys.
 */
export function parseSshSignature(text: string, keys?: Map<string, PublicKey>): SshSignature {
  const blob = dearmour(LABEL, text);
  if (!blob) throw new Error('no SSH SIGNATURE armour');
  if (!blob.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('the signature does not start with SSHSIG');
  const reader = new SshReader(blob.subarray(MAGIC.length));
  const version = reader.uint32('version');
  if (version !== VERSION) throw new Error(`SSHSIG version ${version} is not supported`);
  const keyBlob = reader.string('public key');
  const cacheKey = keys ? keyBlob.toString('base64') : '';
  const publicKey = keys?.get(cacheKey) ?? publicKeyFromBlob(keyBlob);
  keys?.set(cacheKey, publicKey);
  const namespace = reader.text('namespace');
  reader.string('reserved');
  const hashAlgorithm = reader.text('hash algorithm');
  if (hashAlgorithm !== 'sha256' && hashAlgorithm !== 'sha512')
    throw new Error(`hash algorithm ${hashAlgorithm} is not allowed`);
  const inner = new SshReader(reader.string('signature'));
  const type = inner.text('signature type');
  if (type !== ED25519) throw new Error(`${type} signatures are not supported`);
  const signature = inner.string('signature');
  if (signature.length !== 64) throw new Error('the Ed25519 signature is not 64 bytes');
  return { publicKey, namespace, hashAlgorithm, signature, blob };
}

/** Whether `signature` signs `message` under `namespace` with the key it names. */
export function verifySsh(signature: SshSignature, message: Uint8Array, namespace = GIT_NAMESPACE): boolean {
  if (signature.namespace !== namespace) return false;
  const data = signedData(namespace, signature.hashAlgorithm, message);
  return verify(null, data, signature.publicKey.keyObject, signature.signature);
}
