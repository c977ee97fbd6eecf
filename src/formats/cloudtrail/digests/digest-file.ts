// CloudTrail digest files (log file integrity validation): their names, their JSON fields and
// the string CloudTrail signs. Pure. The format is AWS's "CloudTrail digest file structure"
// page; the signing string is "Custom implementations of CloudTrail log file integrity
// validation" (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-custom-validation.html).
import { jsonSyntaxReason } from '../../../domain/json.ts';
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** `<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHmmssZ>[_backfill].json.gz` */
const DIGEST_NAME =
  /^(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\d{8}T\d{6}Z)(_backfill)?\.json(?:\.gz)?$/;

/** `<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz` */
const LOG_FILE_NAME = /^(\d{12})_CloudTrail_([a-z0-9-]+)_\d{8}T\d{4}Z_[A-Za-z0-9]+\.json(?:\.gz)?$/;

export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export interface DigestName {
  readonly account: string;
  readonly region: string;
  readonly trail: string;
  readonly homeRegion: string;
  /** `YYYYMMDDTHHmmssZ`: sorts as time does. */
  readonly stamp: string;
  /** One chain of digests: one trail's digests of one account and region. */
  readonly chain: string;
}

/** What a digest file's name says, or null when the name is not a digest file's. */
export function parseDigestName(path: string): DigestName | null {
  const match = DIGEST_NAME.exec(baseName(path));
  if (!match) return null;
  const [, account, region, trail, homeRegion, stamp] = match as unknown as string[];
  return {
    account: account as string,
    region: region as string,
    trail: trail as string,
    homeRegion: homeRegion as string,
    stamp: stamp as string,
    chain: `${account}/${region}/${trail}/${homeRegion}`,
  };
}

/** `<account>/<region>` of a CloudTrail log file's name, or null when it is not one. */
export function logFileScope(path: string): string | null {
  const match = LOG_FILE_NAME.exec(baseName(path));
  return match ? `${match[1]}/${match[2]}` : null;
}

const nullableText = z.string().nullable().optional();

const LogFileEntry = z.object({
  s3Bucket: z.string(),
  s3Object: z.string().min(1),
  hashValue: z.string().regex(/^[0-9a-fA-F]+$/, 'not hexadecimal'),
  hashAlgorithm: z.string(),
});

const DigestFields = z.object({
  awsAccountId: z.string(),
  digestStartTime: z.string(),
  digestEndTime: z.string().min(1),
  digestS3Bucket: z.string().min(1),
  digestS3Object: z.string().min(1),
  digestPublicKeyFingerprint: z.string().min(1),
  digestSignatureAlgorithm: z.string(),
  previousDigestS3Bucket: nullableText,
  previousDigestS3Object: nullableText,
  previousDigestHashValue: nullableText,
  previousDigestHashAlgorithm: nullableText,
  previousDigestSignature: nullableText,
  logFiles: z.array(LogFileEntry),
});
export type DigestFields = z.infer<typeof DigestFields>;

/** A digest file as read: where it was, its uncompressed bytes and fields. */
export interface DigestFile {
  /** Where it was read (a local path, or `s3://bucket/key`), for messages. */
  readonly location: string;
  /** The S3 bucket and key it was read from; absent for a local copy (only its name is compared). */
  readonly s3?: { readonly bucket: string; readonly key: string };
  /** Hex SHA-256 of the uncompressed content. */
  readonly sha256: string;
  readonly fields: DigestFields;
  /** The signature from the object's `x-amz-meta-signature`, when read from S3. */
  readonly signature?: string;
  readonly signatureAlgorithm?: string;
}

export type ParsedDigest = { readonly ok: true; readonly digest: DigestFile } | { readonly ok: false; reason: string };

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Reads a digest's uncompressed content; the reason names the first field that is wrong. */
export function parseDigestFile(
  content: Uint8Array,
  where: Pick<DigestFile, 'location' | 's3' | 'signature' | 'signatureAlgorithm'>,
): ParsedDigest {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(content).toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, reason: `not a digest file: ${jsonSyntaxReason(error)}` };
    throw error;
  }
  const parsed = DigestFields.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `not a digest file: ${issue?.path.join('.') || 'document'}: ${issue?.message}` };
  }
  return { ok: true, digest: { ...where, sha256: sha256Hex(content), fields: parsed.data } };
}

/**
 * The string whose SHA-256 CloudTrail signs with RSA: the end time, `bucket/key`, the hex
 * SHA-256 of the uncompressed digest and the previous digest's signature (`null` for the first
 * digest of a chain, as the AWS CLI and the Java implementation write it).
 */
export function signingString(digest: DigestFile): string {
  const { fields } = digest;
  return [
    fields.digestEndTime,
    `${fields.digestS3Bucket}/${fields.digestS3Object}`,
    digest.sha256,
    fields.previousDigestSignature ?? 'null',
  ].join('\n');
}
