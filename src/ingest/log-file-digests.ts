// `gitrail ingest` and CloudTrail digest files among its input: reads and checks them (with
// the configured public keys, and ListPublicKeys when allowed), reports every bad digest and
// gap as `file: reason`, and tells each CloudTrail log file of a digested account and region
// what the digests recorded about it, for the worker to check before it reads a record.
import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../domain/errors.ts';
import { gunzipCapped, MAX_DIGEST_FILE_BYTES } from '../domain/gunzip.ts';
import {
  baseName,
  logFileScope,
  parseDigestFile,
  parseDigestName,
  type DigestFile,
} from '../formats/cloudtrail/digests/digest-file.ts';
import { mergeRings, type PublicKeyRing } from '../formats/cloudtrail/digests/public-keys.ts';
import { verifyDigests } from '../formats/cloudtrail/digests/verify-digests.ts';
import type { InputFile } from './files.ts';

export interface DigestKeys {
  readonly ring: PublicKeyRing;
  /** ListPublicKeys of a region and time range, when the configuration allows it. */
  readonly list?: (region: string, from: number, to: number) => Promise<PublicKeyRing>;
}

type Report = (file: string, reason: string) => void;

function readDigest(path: string, report: Report): DigestFile | null {
  const bytes = readFileSync(path);
  let content: Buffer;
  try {
    content = gunzipCapped(bytes, { maxBytes: MAX_DIGEST_FILE_BYTES }, 'the digest file');
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    report(path, error.message);
    return null;
  }
  const parsed = parseDigestFile(content, { location: path });
  if (!parsed.ok) report(path, parsed.reason);
  return parsed.ok ? parsed.digest : null;
}

/** The configured keys, plus those ListPublicKeys gives for each region whose fingerprints are missing. */
async function keysFor(digests: readonly DigestFile[], keys: DigestKeys, report: Report): Promise<PublicKeyRing> {
  if (!keys.list) return keys.ring;
  const ranges = new Map<string, { from: number; to: number }>();
  for (const { fields } of digests) {
    const region = parseDigestName(fields.digestS3Object)?.region;
    if (!region || keys.ring.has(fields.digestPublicKeyFingerprint.toLowerCase())) continue;
    const [start, end] = [Date.parse(fields.digestStartTime), Date.parse(fields.digestEndTime)];
    const range = ranges.get(region) ?? { from: start, to: end };
    ranges.set(region, { from: Math.min(range.from, start), to: Math.max(range.to, end) });
  }
  const rings = [keys.ring];
  for (const [region, { from, to }] of ranges) {
    try {
      rings.push(await keys.list(region, from, to));
    } catch (error) {
      report(`CloudTrail ListPublicKeys in ${region}`, `${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  return mergeRings(...rings);
}

/** The input files, CloudTrail log files annotated; `problems` counts bad digests and gaps. */
export async function checkInputDigests(
  digestPaths: readonly string[],
  files: readonly InputFile[],
  keys: DigestKeys,
  report: Report,
): Promise<{ files: InputFile[]; problems: number }> {
  if (digestPaths.length === 0) return { files: [...files], problems: 0 };
  let problems = 0;
  const counted: Report = (file, reason) => {
    problems += 1;
    report(file, reason);
  };
  const digests = digestPaths.flatMap((path) => readDigest(path, counted) ?? []);
  const check = verifyDigests(digests, await keysFor(digests, keys, report));
  for (const problem of check.problems) counted(problem.location, `CloudTrail digest: ${problem.reason}`);
  const annotated = files.map((file) => {
    const scope = logFileScope(file.path);
    return scope !== null && check.scopes.has(scope)
      ? { ...file, digest: { expected: check.logFiles.get(baseName(file.path)) } }
      : file;
  });
  return { files: annotated, problems };
}
