// Checks CloudTrail digest files as `aws cloudtrail validate-logs` does: each digest is where
// it says it was delivered, its RSA signature (SHA256withRSA over signing-string) verifies with
// the public key its fingerprint names, and each digest's `previousDigest…` fields match the
// previous digest (hash and signature), so a digest edited, replaced or deleted breaks the
// chain. Pure. Yields, per log file name, the SHA-256 the digests recorded and how far the
// digest that lists it can be trusted.
import { verify } from 'node:crypto';
import { baseName, parseDigestName, signingString, type DigestFile } from './digest-file.ts';
import type { PublicKeyRing } from './public-keys.ts';

export type LogFileDigest = 'verified' | 'unverified' | 'invalid';

/** The newest digest of a chain already checked (kept between reads by the S3 source). */
export interface ChainTail {
  readonly object: string;
  readonly stamp: string;
  readonly sha256: string;
  readonly signature: string | null;
}

export interface DigestVerdict {
  readonly location: string;
  readonly status: LogFileDigest;
  /** Why it is not verified. */
  readonly reason?: string;
}

export interface LogFileExpectation {
  readonly sha256: string;
  /** The digest listing it, for messages. */
  readonly digest: string;
  readonly status: LogFileDigest;
  readonly reason?: string;
}

export interface DigestCheck {
  readonly verdicts: readonly DigestVerdict[];
  /** Digests that are not valid, and gaps in chains (a digest deleted), each naming a digest. */
  readonly problems: ReadonlyArray<{ readonly location: string; readonly reason: string }>;
  /** What the digests say about each log file, by file name. */
  readonly logFiles: ReadonlyMap<string, LogFileExpectation>;
  /** `<account>/<region>` of every chain seen: their log files get a `Log-File-Digest:` status. */
  readonly scopes: ReadonlySet<string>;
  /** The newest digest of each chain. */
  readonly tails: ReadonlyMap<string, ChainTail>;
}

interface Candidate {
  readonly digest: DigestFile;
  readonly chain: string;
  readonly stamp: string;
  readonly scope: string;
}

const RANK: Readonly<Record<LogFileDigest, number>> = { verified: 2, invalid: 1, unverified: 0 };

function checkSignature(
  digest: DigestFile,
  signature: string | null,
  keys: PublicKeyRing,
): Omit<DigestVerdict, 'location'> {
  const { fields } = digest;
  if (fields.digestSignatureAlgorithm !== 'SHA256withRSA')
    return { status: 'invalid', reason: `unknown signature algorithm ${fields.digestSignatureAlgorithm}` };
  if (signature === null)
    return {
      status: 'unverified',
      reason: 'its signature is only in the S3 object metadata, and no later digest names it',
    };
  const key = keys.get(fields.digestPublicKeyFingerprint.toLowerCase());
  if (!key)
    return {
      status: 'unverified',
      reason:
        `no public key with fingerprint ${fields.digestPublicKeyFingerprint} (configure it, or allow ` +
        `ListPublicKeys)`,
    };
  if (!/^([0-9a-f]{2})+$/i.test(signature)) return { status: 'invalid', reason: 'its signature is not hexadecimal' };
  const valid = verify('sha256', Buffer.from(signingString(digest)), key, Buffer.from(signature, 'hex'));
  return valid ? { status: 'verified' } : { status: 'invalid', reason: 'its RSA signature does not verify' };
}

/** Where the digest was read must be where CloudTrail delivered it (a local copy: the same name). */
function movedReason(candidate: Candidate): string | null {
  const { digest } = candidate;
  const { digestS3Bucket, digestS3Object } = digest.fields;
  if (digest.s3) {
    return digest.s3.bucket === digestS3Bucket && digest.s3.key === digestS3Object
      ? null
      : `it was delivered to s3://${digestS3Bucket}/${digestS3Object}, not here`;
  }
  return baseName(digest.location) === baseName(digestS3Object)
    ? null
    : `it names itself ${baseName(digestS3Object)}: renamed or moved`;
}

function candidatesOf(digests: readonly DigestFile[], problems: DigestCheck['problems'][number][]): Candidate[] {
  const out: Candidate[] = [];
  for (const digest of digests) {
    const name = parseDigestName(digest.fields.digestS3Object);
    if (!name) {
      problems.push({ location: digest.location, reason: `digestS3Object is not a digest file's key` });
      continue;
    }
    out.push({ digest, chain: name.chain, stamp: name.stamp, scope: `${name.account}/${name.region}` });
  }
  return out.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : a.stamp < b.stamp ? -1 : 1));
}

export function verifyDigests(
  digests: readonly DigestFile[],
  keys: PublicKeyRing,
  known: ReadonlyMap<string, ChainTail> = new Map(),
): DigestCheck {
  const problems: Array<{ location: string; reason: string }> = [];
  const candidates = candidatesOf(digests, problems);
  const byObject = new Map(
    candidates.map((candidate) => [baseName(candidate.digest.fields.digestS3Object), candidate]),
  );
  // A digest's signature: its S3 metadata, else the `previousDigestSignature` of the digest after it.
  const namedSignature = new Map<string, string>();
  for (const { digest } of candidates) {
    const previous = digest.fields.previousDigestS3Object;
    if (previous && digest.fields.previousDigestSignature)
      namedSignature.set(baseName(previous), digest.fields.previousDigestSignature);
  }
  const verdicts = new Map<Candidate, Omit<DigestVerdict, 'location'>>();
  for (const candidate of candidates) {
    const moved = movedReason(candidate);
    const signature =
      candidate.digest.signature ?? namedSignature.get(baseName(candidate.digest.fields.digestS3Object)) ?? null;
    verdicts.set(
      candidate,
      moved ? { status: 'invalid', reason: moved } : checkSignature(candidate.digest, signature, keys),
    );
  }
  const tails = new Map(known);
  for (const candidate of candidates) {
    const { fields } = candidate.digest;
    const previousObject = fields.previousDigestS3Object;
    const tail = tails.get(candidate.chain);
    if (previousObject) {
      const previous = byObject.get(baseName(previousObject));
      const link =
        previous && previous.chain === candidate.chain
          ? {
              sha256: previous.digest.sha256,
              signature: previous.digest.signature ?? null,
              location: previous.digest.location,
            }
          : tail && tail.object === previousObject
            ? { sha256: tail.sha256, signature: tail.signature, location: tail.object }
            : null;
      if (link) {
        if (fields.previousDigestHashValue?.toLowerCase() !== link.sha256) {
          const reason =
            `its SHA-256 differs from previousDigestHashValue in the next digest ` + `(${candidate.digest.location})`;
          if (previous) verdicts.set(previous, { status: 'invalid', reason });
          else problems.push({ location: link.location, reason });
        } else if (link.signature !== null && link.signature !== fields.previousDigestSignature) {
          verdicts.set(candidate, {
            status: 'invalid',
            reason: 'previousDigestSignature differs from the previous digest',
          });
        }
      } else if (tail && tail.stamp < (parseDigestName(previousObject)?.stamp ?? '')) {
        problems.push({
          location: candidate.digest.location,
          reason:
            `the previous digest ${previousObject} is missing (deleted?): the chain is broken after ` +
            `${tail.object}`,
        });
      }
    }
    tails.set(candidate.chain, {
      object: fields.digestS3Object,
      stamp: candidate.stamp,
      sha256: candidate.digest.sha256,
      signature: candidate.digest.signature ?? namedSignature.get(baseName(fields.digestS3Object)) ?? null,
    });
  }
  const logFiles = new Map<string, LogFileExpectation>();
  const listed: DigestVerdict[] = [];
  for (const candidate of candidates) {
    const verdict = verdicts.get(candidate) as Omit<DigestVerdict, 'location'>;
    const location = candidate.digest.location;
    listed.push({ location, ...verdict });
    if (verdict.status === 'invalid') problems.push({ location, reason: verdict.reason ?? 'invalid' });
    for (const entry of candidate.digest.fields.logFiles) {
      const name = baseName(entry.s3Object);
      const expectation: LogFileExpectation =
        entry.hashAlgorithm === 'SHA-256'
          ? { sha256: entry.hashValue.toLowerCase(), digest: location, ...verdict }
          : {
              sha256: '',
              digest: location,
              status: 'invalid',
              reason: `unknown hash algorithm ${entry.hashAlgorithm}`,
            };
      const before = logFiles.get(name);
      if (!before || RANK[expectation.status] > RANK[before.status]) logFiles.set(name, expectation);
    }
  }
  return {
    verdicts: listed,
    problems,
    logFiles,
    scopes: new Set(candidates.map((candidate) => candidate.scope)),
    tails,
  };
}
