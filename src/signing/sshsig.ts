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
 * What signing with one key for one namespace needs besides the message's hash and the
 * signature: the signed data's constant head (in a buffer reused by every call, the hash is
 * written after it) and the blob's constant head, the part of it whole base64 triplets cover
 * already encoded. A commit signature is then one SHA-512, one Ed25519 signature, a
 * 67-byte base64 tail and the armour's few string joins.
 */
interface Signer {
  readonly data: Buffer;
  readonly dataHead: number;
  /** The blob bytes after the base64-encoded head, then room for the signature. */
  readonly tail: Buffer;
  readonly tailHead: number;
  readonly base64Head: string;
}

const SHA512_BYTES = 64;
const ED25519_SIGNATURE_BYTES = 64;
const signers = new WeakMap<SigningKey, Map<string, Signer>>();

function makeSigner(key: SigningKey, namespace: string): Signer {
  const dataHead = Buffer.concat([MAGIC, sshStrings(namespace, '', 'sha512'), uint32(SHA512_BYTES)]);
  const signatureHead = Buffer.concat([sshStrings(ED25519), uint32(ED25519_SIGNATURE_BYTES)]);
  const blobHead = Buffer.concat([
    MAGIC,
    uint32(VERSION),
    sshStrings(key.publicKey.blob, namespace, '', 'sha512'),
    uint32(signatureHead.length + ED25519_SIGNATURE_BYTES),
    signatureHead,
  ]);
  const whole = blobHead.length - (blobHead.length % 3);
  const tail = Buffer.alloc(blobHead.length - whole + ED25519_SIGNATURE_BYTES);
  blobHead.copy(tail, 0, whole);
  const data = Buffer.alloc(dataHead.length + SHA512_BYTES);
  dataHead.copy(data);
  return {
    data,
    dataHead: dataHead.length,
    tail,
    tailHead: blobHead.length - whole,
    base64Head: blobHead.toString('base64', 0, whole),
  };
}

function signerFor(key: SigningKey, namespace: string): Signer {
  let byNamespace = signers.get(key);
  if (!byNamespace) signers.set(key, (byNamespace = new Map()));
  let signer = byNamespace.get(namespace);
  if (!signer) byNamespace.set(namespace, (signer = makeSigner(key, namespace)));
  return signer;
}

/**
 * Signs `message` for `namespace` with SHA-512, as `ssh-keygen -Y sign` does; returns the armour
 * (ends in `\n`). The constant parts are built once per key and namespace (every commit is signed).
 */
export function signSsh(key: SigningKey, message: Uint8Array, namespace = GIT_NAMESPACE): string {
  const signer = signerFor(key, namespace);
  hash('sha512', message, 'buffer').copy(signer.data, signer.dataHead);
  sign(null, signer.data, key.privateKey).copy(signer.tail, signer.tailHead);
  return armourBase64(LABEL, signer.base64Head + signer.tail.toString('base64'));
}

const LINE = 70;

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

export function armourLayout(key: SigningKey, namespace = GIT_NAMESPACE): ArmourLayout {
  const signer = signerFor(key, namespace);
  const at = signer.base64Head.length;
  const variable = signer.tail.toString('base64').length;
  const wrapped = armourBase64(LABEL, `${signer.base64Head}${'A'.repeat(variable)}`);
  const breaks: number[] = [];
  for (let line = LINE; line < at + variable; line += LINE) if (line > at) breaks.push(line - at);
  // The head: `-----BEGIN SSH SIGNATURE-----\n`, then the base64 up to the variable part with its line breaks.
  const headEnd = `-----BEGIN ${LABEL}-----\n`.length + at + Math.floor(at / LINE);
  const head = wrapped.slice(0, headEnd);
  const end = wrapped.slice(headEnd + variable + breaks.length);
  return {
    signedDataHead: Buffer.from(signer.data.subarray(0, signer.dataHead)),
    blobTail: Buffer.from(signer.tail.subarray(0, signer.tailHead)),
    head,
    variable,
    breaks,
    end,
  };
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
