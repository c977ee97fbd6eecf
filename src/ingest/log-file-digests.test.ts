// `gitrail ingest` of an AWSLogs copy with CloudTrail-Digest/ files (real RSA signatures, AWS's
// digest shape): commits say `Log-File-Digest: verified|unverified`, an edited log file or
// digest is refused and reported as `file: reason`, a deleted digest is reported, and the keys
// come from gitrail.yaml or from ListPublicKeys (the fake endpoint, the real SDK).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ACCOUNT, record } from '../../test/helpers/cloudtrail-fixtures.ts';
import {
  DigestTrail,
  sha256,
  signingKey,
  tamper,
  writeTrail,
  type TrailFile,
} from '../../test/helpers/cloudtrail-digests.ts';
import { gitrail, gitrailAsync } from '../../test/helpers/cli.ts';
import { fsckStrict, git } from '../../test/helpers/git.ts';
import { assertGolden } from '../../test/helpers/golden.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { FakeCloudTrail } from '../../test/fakes/cloudtrail.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 2, 10, 1, 31);
const IAM = 'iam.amazonaws.com';
const key = signingKey();

/** Three hours of a trail: two log files an hour (one CreateRole each), three chained digests. */
function threeHours() {
  const trail = new DigestTrail({ bucket: 'org-trail', account: ACCOUNT, region: 'us-east-1', key });
  const logs = [0, 1, 2].map((hour) =>
    ['a', 'b'].map((part, index) => {
      const at = START + hour * HOUR + (index + 1) * 20 * 60_000;
      return trail.logFile(at, [
        record(`${part}${hour}`, 'CreateRole', IAM, at - 60_000, { roleName: `${part}${hour}` }),
      ]);
    }),
  );
  const digests = logs.map((files, hour) => trail.digest(START + (hour + 1) * HOUR, files));
  return { logs, digests, all: [...logs.flat(), ...digests] };
}

function configWithKey(dir: string): string {
  const path = join(dir, 'gitrail.yaml');
  writeFileSync(
    path,
    `cloudtrailDigests:\n  publicKeys:\n    - fingerprint: ${key.fingerprint}\n      key: ` +
      `${key.der.toString('base64')}\n`,
  );
  return path;
}

/** Trailers by event id, from `git log` on both branches. */
function digestTrailers(gitdir: string): Record<string, string> {
  const log = git(
    gitdir,
    'log',
    '--all',
    '--format=%(trailers:key=Event-ID,valueonly)%x09%(trailers:key=Log-File-Digest,valueonly)%x00',
  );
  return Object.fromEntries(
    log
      .split('\0')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => entry.split('\t').map((part) => part.trim()) as [string, string]),
  );
}

function ingest(t: TestContext, files: readonly TrailFile[], config: (dir: string) => string) {
  const dir = tempDir(t);
  const input = join(dir, 'AWSLogs-copy');
  writeTrail(input, files);
  const data = join(dir, 'data');
  const run = gitrail(['ingest', '--config', config(dir), '--data', data, input]);
  return { run, input, gitdir: join(data, 'repo.git') };
}

test('log files listed in signed digests are committed as verified; the newest digest offline as unverified', (t) => {
  const { all } = threeHours();
  const { run, gitdir } = ingest(t, all, configWithKey);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.match(run.stdout, /^ingest: read 6, committed 6,/);
  assert.deepEqual(digestTrailers(gitdir), {
    a0: 'verified',
    b0: 'verified',
    a1: 'verified',
    b1: 'verified',
    a2: 'unverified',
    b2: 'unverified',
  });
  const sha = git(gitdir, 'log', '--format=%H', '--grep=Event-ID: a1', 'main').trim();
  assertGolden(
    git(gitdir, 'log', '-1', '--format=%B', sha),
    join(import.meta.dirname, '__golden__', 'verified-log-file.commit.txt'),
  );
  fsckStrict(gitdir);
  // gitrail verify reports what CloudTrail's own chain proved beside what gitrail's signatures prove.
  const verify = gitrail(['verify', '--data', join(gitdir, '..'), '--json']);
  assert.equal(verify.status, 0, verify.stderr);
  assert.ok(
    (JSON.parse(verify.stdout) as { notes: string[] }).notes.includes(
      'CloudTrail log files (Log-File-Digest): 4 commits from files their digests verify, ' +
        '2 from files no verified digest covers',
    ),
    verify.stdout,
  );
  // A commit claiming a log file its digest proved invalid is named (gitrail never writes one).
  const forged = git(gitdir, 'log', '-1', '--format=%B', sha).replace(
    'Log-File-Digest: verified',
    'Log-File-Digest: invalid',
  );
  assert.match(forged, /Log-File-Digest: invalid/);
  const commit = git(
    gitdir,
    '-c',
    'user.name=mallory',
    '-c',
    'user.email=m@example.com',
    'commit-tree',
    `${sha}^{tree}`,
    '-p',
    sha,
    '-m',
    forged,
  ).trim();
  git(gitdir, 'update-ref', 'refs/heads/main', commit);
  const refused = gitrail(['verify', '--data', join(gitdir, '..'), '--json']);
  assert.equal(refused.status, 1);
  const problems = (JSON.parse(refused.stdout) as { problems: Array<{ object: string; reason: string }> }).problems;
  assert.ok(
    problems.some(
      (problem) =>
        problem.object === `commit ${commit}` && /^Log-File-Digest: invalid: gitrail never/.test(problem.reason),
    ),
    refused.stdout,
  );
});

test('an edited log file is refused and named; the others are still recorded', (t) => {
  const { logs, digests, all } = threeHours();
  const edited = logs[0]?.[1] as TrailFile;
  const recorded = sha256(edited.content);
  tamper(edited, (text) => text.replace('"roleName":"b0"', '"roleName":"backdoor"'));
  const { run, input, gitdir } = ingest(t, all, configWithKey);
  assert.equal(run.status, 2);
  assert.equal(
    run.stderr.trim(),
    `${join(input, edited.key)}: invalid CloudTrail log file, not recorded: its SHA-256 ` +
      `${sha256(edited.content)} differs from ${recorded} recorded in digest ` +
      `${join(input, (digests[0] as TrailFile).key)}`,
  );
  const trailers = digestTrailers(gitdir);
  assert.equal(trailers['b0'], undefined, 'nothing of the edited file was written');
  assert.equal(trailers['a0'], 'verified');
  assert.doesNotMatch(git(gitdir, 'log', '--all', '-p'), /backdoor/);
});

test('an edited digest fails its signature: its log files are refused, the digest is named', (t) => {
  const { digests, all } = threeHours();
  const digest = digests[1] as TrailFile;
  tamper(digest, (text) => text.replace('"digestStartTime": "2026-03-02T11', '"digestStartTime": "2026-03-02T09'));
  const { run, input, gitdir } = ingest(t, all, configWithKey);
  assert.equal(run.status, 2);
  const lines = run.stderr.trim().split('\n');
  assert.match(
    lines[0] ?? '',
    new RegExp(
      `^${escape(join(input, digest.key))}: CloudTrail digest: its SHA-256 differs from previousDigestHashValue`,
    ),
  );
  assert.equal(
    lines.filter((line) => line.includes('invalid CloudTrail log file, not recorded: the digest listing it')).length,
    2,
  );
  assert.deepEqual(Object.keys(digestTrailers(gitdir)).sort(), ['a0', 'a2', 'b0', 'b2']);
});

test('a deleted digest breaks the chain and is reported; the log files around it are unverified', (t) => {
  const { digests, all } = threeHours();
  const deleted = digests[1] as TrailFile;
  const { run, input, gitdir } = ingest(
    t,
    all.filter((file) => file !== deleted),
    configWithKey,
  );
  assert.equal(run.status, 2);
  assert.match(
    run.stderr,
    new RegExp(
      `${escape(join(input, (digests[2] as TrailFile).key))}: CloudTrail digest: the previous digest ` +
        `.*${escape(deleted.key)} is missing \\(deleted\\?\\)`,
    ),
  );
  // Offline, a digest's signature is in the next digest: the one before the gap cannot be verified either.
  assert.deepEqual(new Set(Object.values(digestTrailers(gitdir))), new Set(['unverified']));
});

test(
  'without keys the digests cannot be checked: unverified; ListPublicKeys supplies them where ' + 'allowed',
  async (t) => {
    const { all } = threeHours();
    const noKeys = ingest(t, all, (dir) => {
      writeFileSync(join(dir, 'empty.yaml'), '{}\n');
      return join(dir, 'empty.yaml');
    });
    assert.equal(noKeys.run.status, 0, noKeys.run.stderr);
    assert.deepEqual(new Set(Object.values(digestTrailers(noKeys.gitdir))), new Set(['unverified']));

    const fake = await FakeCloudTrail.start();
    t.after(() => fake.close());
    fake.publicKeys.push({
      region: 'us-east-1',
      fingerprint: key.fingerprint,
      der: key.der,
      validFrom: START - 30 * 86_400_000,
      validTo: START + 30 * 86_400_000,
    });
    const dir = tempDir(t);
    writeTrail(join(dir, 'in'), all);
    writeFileSync(
      join(dir, 'list.yaml'),
      `cloudtrailDigests:\n  listPublicKeys: true\n  cloudtrailEndpoint: ${fake.url}\n`,
    );
    const data = join(dir, 'data');
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'not-a-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const listed = {
      run: await gitrailAsync(['ingest', '--config', join(dir, 'list.yaml'), '--data', data, join(dir, 'in')], { env }),
      gitdir: join(data, 'repo.git'),
    };
    assert.equal(listed.run.status, 0, listed.run.stderr);
    assert.equal(digestTrailers(listed.gitdir)['a0'], 'verified');
    assert.ok(fake.requests.some((request) => request.region === 'us-east-1'));
  },
);

test('a log file of an account without digests gets no trailer; a bad key in the config is named', (t) => {
  const { logs } = threeHours();
  const { run, gitdir } = ingest(t, logs.flat(), configWithKey);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(new Set(Object.values(digestTrailers(gitdir))), new Set([undefined]));
  const bad = ingest(t, logs.flat(), (dir) => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      'cloudtrailDigests:\n  publicKeys:\n    - fingerprint: 00112233445566778899aabbccddeeff\n      key: ' +
        'bm90IGEga2V5\n',
    );
    return join(dir, 'bad.yaml');
  });
  assert.equal(bad.run.status, 2);
  assert.match(bad.run.stderr, /bad\.yaml: cloudtrailDigests\.publicKeys\[0\]\.key: not an RSA public key/);
  rmSync(join(bad.gitdir, '..'), { recursive: true, force: true });
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
