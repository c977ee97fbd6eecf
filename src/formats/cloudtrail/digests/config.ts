// gitrail.yaml settings of CloudTrail log file integrity validation: the public keys that
// check digest signatures (given, or fetched with ListPublicKeys), for `gitrail ingest`
// (`cloudtrailDigests`) and for each S3 source (`cloudtrailS3[].digests`), and reading them.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Duration } from '../../../config/duration.ts';
import { ConfigError, InvalidInputError } from '../../../domain/errors.ts';
import { keyRing, readPublicKey, type PublicKeyRing } from './public-keys.ts';

function isPublicKey(text: string): boolean {
  try {
    readPublicKey(text, 'key');
    return true;
  } catch (error) {
    if (error instanceof InvalidInputError) return false;
    throw error;
  }
}

const DigestPublicKey = z
  .object({
    fingerprint: z
      .string()
      .regex(/^[0-9a-fA-F]{32,64}$/, 'a fingerprint is hexadecimal, as ListPublicKeys prints it')
      .describe('the fingerprint digests name in digestPublicKeyFingerprint'),
    key: z
      .string()
      .min(1)
      .refine(isPublicKey, 'not an RSA public key (PEM, or base64 DER in PKCS #1 or SubjectPublicKeyInfo)')
      .optional()
      .describe('the key: PEM, or base64 DER as `aws cloudtrail list-public-keys` prints its Value'),
    keyFile: z.string().min(1).optional().describe('a file holding the key (PEM, base64 DER or DER)'),
  })
  .strict()
  .refine((entry) => (entry.key === undefined) !== (entry.keyFile === undefined), {
    message: 'give exactly one of key and keyFile',
  })
  .describe('a CloudTrail public key of one region and period');

function keysShape(listByDefault: boolean) {
  return {
    publicKeys: z
      .array(DigestPublicKey)
      .default([])
      .describe('public keys that check digest signatures, by fingerprint (they are public, not secrets)'),
    listPublicKeys: z
      .boolean()
      .default(listByDefault)
      .describe('also fetch the keys with CloudTrail ListPublicKeys in the digest region, with the AWS credentials'),
    cloudtrailEndpoint: z
      .string()
      .url()
      .optional()
      .describe('CloudTrail endpoint URL for ListPublicKeys instead of the regional one'),
  };
}

export const CloudTrailDigestsConfig = z
  .object({
    ...keysShape(false),
    profile: z.string().min(1).optional().describe('AWS shared-config profile for ListPublicKeys'),
  })
  .strict()
  .describe('how `gitrail ingest` checks CloudTrail digest files (CloudTrail-Digest/) found among its input');
export type CloudTrailDigestsConfig = z.infer<typeof CloudTrailDigestsConfig>;

export const S3DigestsConfig = z
  .object({
    verify: z
      .boolean()
      .default(true)
      .describe('read CloudTrail-Digest/ files and check every log file against them (Log-File-Digest trailer)'),
    ...keysShape(true),
    waitFor: Duration.default(90 * 60_000).describe(
      'once digests are seen, how long a log file waits for the digest that lists it before it is read unverified',
    ),
  })
  .strict()
  .describe('CloudTrail log file integrity validation of this trail');
export type S3DigestsConfig = z.infer<typeof S3DigestsConfig>;

/** The configured keys; a key that cannot be read is a ConfigError naming its entry. */
export function configuredKeyRing(entries: CloudTrailDigestsConfig['publicKeys'], where: string): PublicKeyRing {
  return keyRing(
    entries.map((entry, index) => {
      const name = `${where}.publicKeys[${index}]`;
      try {
        const material = entry.keyFile === undefined ? (entry.key as string) : readKeyFile(entry.keyFile);
        return [entry.fingerprint, readPublicKey(material, name)] as const;
      } catch (error) {
        if (error instanceof InvalidInputError) throw new ConfigError([error.message]);
        throw new ConfigError([`${name}: cannot read ${entry.keyFile}: ${(error as Error).message}`]);
      }
    }),
  );
}

function readKeyFile(path: string): string | Uint8Array {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  return /^[A-Za-z0-9+/=\s-]*$/.test(text) || text.includes('-----BEGIN') ? text : bytes;
}
