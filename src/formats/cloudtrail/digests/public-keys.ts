// CloudTrail's digest-signing public keys, by the fingerprint a digest names: read from
// gitrail.yaml (PEM, or base64 DER as `aws cloudtrail list-public-keys` prints it) or from
// ListPublicKeys (DER, PKCS #1). Pure: the caller reads files and calls the API.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { InvalidInputError } from '../../../domain/errors.ts';

/** Public keys by fingerprint (lower-case hex). */
export type PublicKeyRing = ReadonlyMap<string, KeyObject>;

/** An RSA public key from PEM text, base64 DER text, or DER bytes (PKCS #1 or SubjectPublicKeyInfo). */
export function readPublicKey(input: string | Uint8Array, what: string): KeyObject {
  if (typeof input === 'string' && input.includes('-----BEGIN')) {
    try {
      return createPublicKey(input);
    } catch (error) {
      throw new InvalidInputError(`${what}: not a PEM public key`, { cause: error });
    }
  }
  const der = typeof input === 'string' ? Buffer.from(input.replace(/\s+/g, ''), 'base64') : Buffer.from(input);
  const type = derKind(der);
  if (type !== null) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType === 'rsa') return key;
    } catch (error) {
      throw new InvalidInputError(`${what}: not an RSA public key`, { cause: error });
    }
  }
  throw new InvalidInputError(`${what}: not an RSA public key (PEM, or base64 DER in PKCS #1 or SubjectPublicKeyInfo)`);
}

/**
 * PKCS #1 (`SEQUENCE { INTEGER n, INTEGER e }`, what ListPublicKeys returns) or
 * SubjectPublicKeyInfo (`SEQUENCE { SEQUENCE algorithm, BIT STRING }`): the tag of the first
 * element inside the outer SEQUENCE tells them apart.
 */
function derKind(der: Buffer): 'pkcs1' | 'spki' | null {
  if (der.length < 4 || der[0] !== 0x30) return null;
  const lengthByte = der[1] as number;
  const inner = der[2 + (lengthByte < 0x80 ? 0 : lengthByte & 0x7f)];
  return inner === 0x02 ? 'pkcs1' : inner === 0x30 ? 'spki' : null;
}

export const normaliseFingerprint = (fingerprint: string): string => fingerprint.toLowerCase().replace(/:/g, '');

/** A ring from `[fingerprint, key]` pairs; a later pair for the same fingerprint wins. */
export function keyRing(entries: Iterable<readonly [string, KeyObject]>): PublicKeyRing {
  return new Map([...entries].map(([fingerprint, key]) => [normaliseFingerprint(fingerprint), key] as const));
}

export function mergeRings(...rings: readonly PublicKeyRing[]): PublicKeyRing {
  return new Map(rings.flatMap((ring) => [...ring]));
}
