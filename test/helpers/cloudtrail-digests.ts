// A CloudTrail trail with log file integrity validation, for tests: a real RSA key pair, log
// files gzip-compressed in the AWSLogs layout, and hourly digest files shaped like AWS's
// documented samples, each signed (SHA256withRSA over the documented signing string) and
// chained to the previous one. Files can be written to a folder (as `aws s3 sync` leaves
// them) or put into the fake S3 with the signature in `x-amz-meta-signature`.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface TrailFile {
  readonly key: string;
  /** The bytes as stored (gzip). */
  body: Buffer;
  /** The uncompressed content. */
  content: Buffer;
  /** A digest's signature (its S3 metadata). */
  signature?: string;
}

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PKCS #1 DER, as ListPublicKeys returns it. */
  readonly der: Buffer;
  readonly fingerprint: string;
}

/** A fresh 2048-bit RSA key pair; the fingerprint is the MD5 of the DER, 32 hex digits like AWS's. */
export function signingKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ format: 'der', type: 'pkcs1' });
  return { privateKey, publicKey, der, fingerprint: createHash('md5').update(der).digest('hex') };
}

const stamp = (time: number, seconds: boolean): string => {
  const iso = new Date(time).toISOString();
  const date = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
  return `${date}T${iso.slice(11, 13)}${iso.slice(14, 16)}${seconds ? iso.slice(17, 19) : ''}Z`;
};
const day = (time: number): string => new Date(time).toISOString().slice(0, 10).replaceAll('-', '/');
const isoSeconds = (time: number): string => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class DigestTrail {
  readonly bucket: string;
  readonly prefix: string;
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly key: SigningKey;
  #previous: TrailFile | null = null;

  constructor(options: {
    bucket: string;
    account: string;
    region: string;
    key: SigningKey;
    prefix?: string;
    name?: string;
  }) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.account = options.account;
    this.region = options.region;
    this.name = options.name ?? 'management-events';
    this.key = options.key;
  }

  #folder(kind: 'CloudTrail' | 'CloudTrail-Digest', time: number): string {
    return [this.prefix, 'AWSLogs', this.account, kind, this.region, day(time)].filter(Boolean).join('/');
  }

  /** A log file delivered at `delivered` holding `records`. */
  logFile(delivered: number, records: readonly unknown[]): TrailFile {
    const unique = randomBytes(8).toString('hex').toUpperCase();
    const name = `${this.account}_CloudTrail_${this.region}_${stamp(delivered, false)}_${unique}.json.gz`;
    const key = `${this.#folder('CloudTrail', delivered)}/${name}`;
    const content = Buffer.from(JSON.stringify({ Records: records }));
    return { key, body: gzipSync(content), content };
  }

  /** The digest of the hour ending at `end`, listing `logFiles`, signed and chained to the previous one. */
  digest(end: number, logFiles: readonly TrailFile[]): TrailFile {
    const name =
      `${this.account}_CloudTrail-Digest_${this.region}_${this.name}_${this.region}_` + `${stamp(end, true)}.json.gz`;
    const key = `${this.#folder('CloudTrail-Digest', end)}/${name}`;
    const previous = this.#previous;
    const fields = {
      awsAccountId: this.account,
      digestStartTime: isoSeconds(end - 3_600_000),
      digestEndTime: isoSeconds(end),
      digestS3Bucket: this.bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: this.key.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: logFiles.length > 0 ? isoSeconds(end - 120_000) : null,
      oldestEventTime: logFiles.length > 0 ? isoSeconds(end - 3_000_000) : null,
      previousDigestS3Bucket: previous ? this.bucket : null,
      previousDigestS3Object: previous ? previous.key : null,
      previousDigestHashValue: previous ? sha256(previous.content) : null,
      previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
      previousDigestSignature: previous ? previous.signature : null,
      logFiles: logFiles.map((file) => ({
        s3Bucket: this.bucket,
        s3Object: file.key,
        hashValue: sha256(file.content),
        hashAlgorithm: 'SHA-256',
        newestEventTime: isoSeconds(end - 120_000),
        oldestEventTime: isoSeconds(end - 3_000_000),
      })),
    };
    const content = Buffer.from(JSON.stringify(fields, null, 2));
    const toSign = [
      fields.digestEndTime,
      `${this.bucket}/${key}`,
      sha256(content),
      fields.previousDigestSignature ?? 'null',
    ].join('\n');
    const signature = sign('sha256', Buffer.from(toSign), this.key.privateKey).toString('hex');
    const digest: TrailFile = { key, body: gzipSync(content), content, signature };
    this.#previous = digest;
    return digest;
  }
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Replaces a file's content (and gzip body) as someone editing it after delivery would. */
export function tamper(file: TrailFile, edit: (text: string) => string): void {
  file.content = Buffer.from(edit(file.content.toString('utf8')));
  file.body = gzipSync(file.content);
}

/** Writes the files under `dir` at their keys (without the bucket), as `aws s3 sync` does. */
export function writeTrail(dir: string, files: readonly TrailFile[]): void {
  for (const file of files) {
    const path = join(dir, file.key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.body);
  }
}
