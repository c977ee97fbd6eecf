// CloudTrail digest validation on a trail made with a real RSA key pair: signatures, the
// chain (hashes and signatures of previous digests), moved digests, a deleted digest, and
// the log file hashes, offline (signatures from the next digest) and with S3 metadata.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DigestTrail, signingKey, tamper, type TrailFile } from '../../../../test/helpers/cloudtrail-digests.ts';
import { baseName, parseDigestFile, parseDigestName, sha256Hex, type DigestFile } from './digest-file.ts';
import { checkLogFile } from './log-file-status.ts';
import { keyRing, readPublicKey } from './public-keys.ts';
import { verifyDigests } from './verify-digests.ts';

const ACCOUNT = '111122223333';
const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 2, 10, 1, 31);
const key = signingKey();
const ring = keyRing([[key.fingerprint, key.publicKey]]);

function makeTrail() {
  const trail = new DigestTrail({ bucket: 'org-trail', account: ACCOUNT, region: 'eu-west-1', key });
  const logs = [0, 1, 2].map((hour) => [
    trail.logFile(START + hour * HOUR + 20 * 60_000, [{ eventID: `a${hour}` }]),
    trail.logFile(START + hour * HOUR + 40 * 60_000, [{ eventID: `b${hour}` }]),
  ]);
  const digests = logs.map((files, hour) => trail.digest(START + (hour + 1) * HOUR, files));
  return { logs, digests };
}

/** Digest files as `gitrail ingest` reads them from a local copy (no S3 metadata). */
const local = (files: readonly TrailFile[]): DigestFile[] =>
  files.map((file) => {
    const parsed = parseDigestFile(file.content, { location: `/copy/${file.key}` });
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
    return parsed.digest;
  });

const statuses = (check: ReturnType<typeof verifyDigests>) => check.verdicts.map((verdict) => verdict.status);

test('digest names and the keys AWS documents', () => {
  const name = parseDigestName(
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/' +
      '111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz',
  );
  assert.deepEqual(name, {
    account: ACCOUNT,
    region: 'us-east-2',
    trail: 'your-trail-name',
    homeRegion: 'us-east-2',
    stamp: '20150817T150131Z',
    chain: '111122223333/us-east-2/your-trail-name/us-east-2',
  });
  assert.equal(parseDigestName('111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz'), null);
  assert.equal(readPublicKey(key.der.toString('base64'), 'k').export({ format: 'pem', type: 'spki' }).length > 0, true);
  const pem = key.publicKey.export({ format: 'pem', type: 'spki' }) as string;
  assert.ok(readPublicKey(pem, 'k').equals(key.publicKey));
  assert.throws(() => readPublicKey('bm90IGEga2V5', 'publicKeys[0]'), /publicKeys\[0\]: not an RSA public key/);
});

test('offline: every digest but the newest verifies, and the log files they list check out', () => {
  const { logs, digests } = makeTrail();
  const check = verifyDigests(local(digests), ring);
  assert.deepEqual(statuses(check), ['verified', 'verified', 'unverified']);
  assert.match(check.verdicts[2]?.reason ?? '', /only in the S3 object metadata/);
  assert.deepEqual(check.problems, []);
  assert.deepEqual([...check.scopes], [`${ACCOUNT}/eu-west-1`]);
  const first = logs[0]?.[0] as TrailFile;
  assert.deepEqual(checkLogFile(check.logFiles.get(baseName(first.key)), sha256Hex(first.content)), {
    status: 'verified',
  });
  const newest = logs[2]?.[1] as TrailFile;
  assert.equal(checkLogFile(check.logFiles.get(baseName(newest.key)), sha256Hex(newest.content)).status, 'unverified');
  assert.equal(checkLogFile(undefined, sha256Hex(Buffer.from('{}'))).status, 'unverified');
});

test('with the S3 metadata signature, the newest digest verifies too', () => {
  const { digests } = makeTrail();
  const fromS3 = digests.map((file) => {
    const parsed = parseDigestFile(file.content, {
      location: `s3://org-trail/${file.key}`,
      s3: { bucket: 'org-trail', key: file.key },
      signature: file.signature as string,
    });
    assert.ok(parsed.ok);
    return parsed.digest;
  });
  assert.deepEqual(statuses(verifyDigests(fromS3, ring)), ['verified', 'verified', 'verified']);
  const elsewhere = fromS3.map((digest) => ({ ...digest, s3: { bucket: 'other-bucket', key: digest.s3?.key ?? '' } }));
  assert.match(verifyDigests(elsewhere, ring).verdicts[0]?.reason ?? '', /delivered to s3:\/\/org-trail\//);
});

test('a log file edited after delivery is invalid', () => {
  const { logs, digests } = makeTrail();
  const check = verifyDigests(local(digests), ring);
  const file = logs[1]?.[0] as TrailFile;
  tamper(file, (text) => text.replace('a1', 'forged'));
  const status = checkLogFile(check.logFiles.get(baseName(file.key)), sha256Hex(file.content));
  assert.equal(status.status, 'invalid');
  assert.match(status.reason ?? '', /SHA-256 [0-9a-f]{64} differs from [0-9a-f]{64} recorded in digest/);
});

test('a digest edited to match an edited log file fails its signature, and its log files are invalid', () => {
  const { logs, digests } = makeTrail();
  const file = logs[1]?.[0] as TrailFile;
  const digest = digests[1] as TrailFile;
  const before = file.content;
  tamper(file, (text) => text.replace('a1', 'forged'));
  tamper(digest, (text) =>
    text.replace(
      createHash('sha256').update(before).digest('hex'),
      createHash('sha256').update(file.content).digest('hex'),
    ),
  );
  const check = verifyDigests(local(digests), ring);
  assert.deepEqual(statuses(check), ['verified', 'invalid', 'unverified']);
  assert.match(check.problems[0]?.reason ?? '', /SHA-256 differs from previousDigestHashValue/);
  const status = checkLogFile(check.logFiles.get(baseName(file.key)), sha256Hex(file.content));
  assert.equal(status.status, 'invalid');
  assert.match(status.reason ?? '', /the digest listing it .* is invalid/);
  const sibling = logs[1]?.[1] as TrailFile;
  assert.equal(checkLogFile(check.logFiles.get(baseName(sibling.key)), sha256Hex(sibling.content)).status, 'invalid');
});

test('a digest deleted from the middle of the chain is reported; a renamed one is invalid', () => {
  const { logs, digests } = makeTrail();
  const check = verifyDigests(local([digests[0] as TrailFile, digests[2] as TrailFile]), ring);
  assert.equal(check.problems.length, 1);
  assert.match(check.problems[0]?.reason ?? '', /previous digest .*T120131Z\.json\.gz is missing \(deleted\?\)/);
  const orphan = logs[1]?.[0] as TrailFile;
  assert.equal(checkLogFile(check.logFiles.get(baseName(orphan.key)), sha256Hex(orphan.content)).status, 'unverified');
  const renamed = local(digests).map((digest, index) =>
    index === 0 ? { ...digest, location: '/copy/renamed.json.gz' } : digest,
  );
  assert.match(verifyDigests(renamed, ring).verdicts[0]?.reason ?? '', /renamed or moved/);
});

test('another key under the same fingerprint is invalid; an unknown fingerprint leaves digests unverified', () => {
  const { digests } = makeTrail();
  const impostor = signingKey();
  const wrong = verifyDigests(local(digests), keyRing([[key.fingerprint, impostor.publicKey]]));
  assert.deepEqual(statuses(wrong), ['invalid', 'invalid', 'unverified']);
  assert.match(wrong.verdicts[0]?.reason ?? '', /RSA signature does not verify/);
  const none = verifyDigests(local(digests), keyRing([]));
  assert.deepEqual(statuses(none), ['unverified', 'unverified', 'unverified']);
  assert.match(none.verdicts[0]?.reason ?? '', new RegExp(`no public key with fingerprint ${key.fingerprint}`));
});

test('a chain continues from the newest digest of an earlier read; a gap after it is reported', () => {
  const { digests } = makeTrail();
  const [first, second, third] = local(digests) as [DigestFile, DigestFile, DigestFile];
  const earlier = verifyDigests([first], ring);
  const next = verifyDigests(
    [{ ...second, signature: (digests[1] as TrailFile).signature as string }],
    ring,
    earlier.tails,
  );
  assert.deepEqual(statuses(next), ['verified']);
  assert.deepEqual(next.problems, []);
  const gap = verifyDigests([third], ring, earlier.tails);
  assert.match(gap.problems[0]?.reason ?? '', /is missing \(deleted\?\): the chain is broken after/);
});
