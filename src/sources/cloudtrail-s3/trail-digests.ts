// CloudTrail log file integrity validation for one account and region of an S3 trail: each
// read first lists and checks the new digest files (`CloudTrail-Digest/`: signature from the
// object metadata, chain from the newest digest of the last read), remembering the SHA-256 of
// every log file they list; then each log file is checked before its records are used. Once a
// trail has digests, a log file no digest lists yet waits for one (at most `waitFor`).
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../../domain/errors.ts';
import { gunzipCapped, MAX_DIGEST_FILE_BYTES } from '../../domain/gunzip.ts';
import {
  baseName,
  parseDigestFile,
  parseDigestName,
  sha256Hex,
  type DigestFile,
} from '../../formats/cloudtrail/digests/digest-file.ts';
import { checkLogFile, type LogFileStatus } from '../../formats/cloudtrail/digests/log-file-status.ts';
import { mergeRings, type PublicKeyRing } from '../../formats/cloudtrail/digests/public-keys.ts';
import { verifyDigests, type ChainTail, type DigestCheck } from '../../formats/cloudtrail/digests/verify-digests.ts';
import { loadJsonState, saveJsonState } from '../runtime/json-state.ts';
import type { Trail } from './layout.ts';

const Status = z.enum(['verified', 'unverified', 'invalid']);
const State = z.object({
  version: z.literal(1),
  tails: z.record(
    z.string(),
    z.object({ object: z.string(), stamp: z.string(), sha256: z.string(), signature: z.string().nullable() }),
  ),
  /** Log files listed by a digest and not read yet, by file name, with the digest's end time. */
  expected: z.record(
    z.string(),
    z.object({
      sha256: z.string(),
      digest: z.string(),
      status: Status,
      reason: z.string().optional(),
      at: z.number(),
    }),
  ),
  /** Digest keys read, with their end times. */
  digests: z.record(z.string(), z.number()),
});
type State = z.infer<typeof State>;

export interface TrailDigestsOptions {
  readonly bucket: string;
  readonly trail: Trail;
  readonly stateDir: string;
  readonly waitFor: number;
  readonly keys: PublicKeyRing;
  /** ListPublicKeys of the trail's region, when allowed; null when the credentials do not allow it. */
  readonly listKeys?: (from: number, to: number) => Promise<PublicKeyRing | null>;
}

export type Decision = 'read' | 'wait';

const DAY = 86_400_000;

export class TrailDigests {
  readonly #options: TrailDigestsOptions;
  readonly #path: string;
  #state: State;
  #keys: PublicKeyRing;
  #canList: boolean;

  constructor(options: TrailDigestsOptions) {
    this.#options = options;
    this.#path = join(options.stateDir, 'digests.json');
    this.#state = loadJsonState(this.#path, State, 'CloudTrail digest state') ?? {
      version: 1,
      tails: {},
      expected: {},
      digests: {},
    };
    this.#keys = options.keys;
    this.#canList = options.listKeys !== undefined;
  }

  /** Whether this trail delivers digests (then log files are checked and carry a status). */
  get isValidated(): boolean {
    return Object.keys(this.#state.tails).length > 0;
  }

  /** The folder of the digests of the trail's account and region, ending in `/`. */
  #folder(): string {
    const { prefix, organizationId, account, region } = this.#options.trail;
    return `${[prefix, 'AWSLogs', organizationId, account, 'CloudTrail-Digest', region].filter(Boolean).join('/')}/`;
  }

  /** Reads the digests delivered since `from` not read yet; returns their problems (invalid digests, gaps). */
  async refresh(client: S3Client, from: number, signal: AbortSignal): Promise<DigestCheck['problems']> {
    const digests: DigestFile[] = [];
    const problems: Array<{ location: string; reason: string }> = [];
    const startAfter = `${this.#folder()}${new Date(from - DAY).toISOString().slice(0, 10).replaceAll('-', '/')}/`;
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: this.#options.bucket,
          Prefix: this.#folder(),
          ...(token ? { ContinuationToken: token } : { StartAfter: startAfter }),
        }),
        { abortSignal: signal },
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (!key || !parseDigestName(key) || this.#state.digests[key] !== undefined) continue;
        const read = await this.#readDigest(client, key, signal);
        if ('reason' in read) problems.push({ location: `s3://${this.#options.bucket}/${key}`, reason: read.reason });
        else digests.push(read);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && !signal.aborted);
    if (digests.length === 0) return problems;
    const check = verifyDigests(digests, await this.#keysFor(digests), new Map(Object.entries(this.#state.tails)));
    this.#remember(digests, check, from);
    return [...problems, ...check.problems];
  }

  async #readDigest(client: S3Client, key: string, signal: AbortSignal): Promise<DigestFile | { reason: string }> {
    const object = await client.send(new GetObjectCommand({ Bucket: this.#options.bucket, Key: key }), {
      abortSignal: signal,
    });
    const bytes = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
    let content: Buffer;
    try {
      content = gunzipCapped(bytes, { maxBytes: MAX_DIGEST_FILE_BYTES }, `s3://${this.#options.bucket}/${key}`);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return { reason: error.message };
    }
    const signature = object.Metadata?.['signature'];
    const parsed = parseDigestFile(content, {
      location: `s3://${this.#options.bucket}/${key}`,
      s3: { bucket: this.#options.bucket, key },
      ...(signature ? { signature } : {}),
    });
    return parsed.ok ? parsed.digest : { reason: parsed.reason };
  }

  async #keysFor(digests: readonly DigestFile[]): Promise<PublicKeyRing> {
    const missing = digests.filter(({ fields }) => !this.#keys.has(fields.digestPublicKeyFingerprint.toLowerCase()));
    if (missing.length === 0 || !this.#canList || !this.#options.listKeys) return this.#keys;
    const times = missing.flatMap(({ fields }) => [
      Date.parse(fields.digestStartTime),
      Date.parse(fields.digestEndTime),
    ]);
    const listed = await this.#options.listKeys(Math.min(...times), Math.max(...times));
    if (listed === null) this.#canList = false;
    else this.#keys = mergeRings(this.#keys, listed);
    return this.#keys;
  }

  #remember(digests: readonly DigestFile[], check: DigestCheck, from: number): void {
    const keepFrom = from - 2 * DAY;
    const expected = Object.fromEntries(
      Object.entries(this.#state.expected).filter(([, entry]) => entry.at >= keepFrom),
    );
    for (const [name, expectation] of check.logFiles) {
      const digest = digests.find((file) => file.location === expectation.digest);
      expected[name] = { ...expectation, at: digest ? Date.parse(digest.fields.digestEndTime) : from };
    }
    const read = Object.fromEntries(Object.entries(this.#state.digests).filter(([, at]) => at >= keepFrom));
    for (const digest of digests) read[digest.s3?.key ?? digest.location] = Date.parse(digest.fields.digestEndTime);
    const tails: Record<string, ChainTail> = Object.fromEntries(check.tails);
    this.#state = { version: 1, tails, expected, digests: read };
    saveJsonState(this.#path, this.#state);
  }

  /** Read a log file now, or wait for the digest that will list it. */
  decide(key: string, delivered: number, now: number): Decision {
    if (!this.isValidated || this.#state.expected[baseName(key)]) return 'read';
    return delivered < now - this.#options.waitFor ? 'read' : 'wait';
  }

  /** The log file's status from its uncompressed content; undefined when the trail has no digests. */
  check(key: string, content: Uint8Array): LogFileStatus | undefined {
    if (!this.isValidated) return undefined;
    return checkLogFile(this.#state.expected[baseName(key)], sha256Hex(content));
  }

  /** Forgets what the digests said about log files now committed (or refused). */
  consumed(keys: readonly string[]): void {
    if (!this.isValidated) return;
    for (const key of keys) delete this.#state.expected[baseName(key)];
    saveJsonState(this.#path, this.#state);
  }
}
