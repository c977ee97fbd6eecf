// `gitrail signing-key` and key rotation, checked with the real git CLI: each key is accepted
// for its own period only, in git verify-commit as in gitrail verify.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitrail } from '../../../test/helpers/cli.ts';
import { fsckStrict, git } from '../../../test/helpers/git.ts';
import { rewriteHistory } from '../../../test/helpers/tamper.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');

/** Waits until the wall clock is in a later second than `seconds` (git times are whole seconds). */
async function nextSecondAfter(seconds: number): Promise<void> {
  while (Math.floor(Date.now() / 1000) <= seconds) await new Promise((resolve) => setTimeout(resolve, 50));
}

function newestCommitSecond(gitdir: string): number {
  return Number(git(gitdir, 'log', '-1', '--all', '--format=%ct').trim());
}

test(
  'signing-key prints the public key and an allowed-signers line git accepts, ' + 'creating the key on first use',
  (t) => {
    const data = tempDir(t);
    const shown = gitrail(['signing-key', '--data', data]);
    assert.equal(shown.status, 0, shown.stderr);
    const line = /^gitrail@localhost namespaces="git" (ssh-ed25519 \S+)$/m.exec(shown.stdout);
    assert.ok(line, shown.stdout);
    assert.match(
      shown.stdout,
      new RegExp(`^public key    ${(line[1] as string).replace(/[+/]/g, '\\$&')} gitrail@localhost$`, 'm'),
    );
    const only = gitrail(['signing-key', '--data', data, '--allowed-signers']);
    assert.equal(only.stdout, `${line[0]}\n`);
    const ingest = gitrail(['ingest', '--data', data, '--cluster', 'prod', join(EXAMPLES, 'kubernetes-audit.ndjson')]);
    assert.equal(ingest.status, 0, ingest.stderr);
    const file = join(tempDir(t), 'allowed');
    copyFileSync(join(data, 'keys', 'allowed_signers'), file);
    const statuses = git(
      join(data, 'repo.git'),
      '-c',
      `gpg.ssh.allowedSignersFile=${file}`,
      'log',
      '--all',
      '--format=%G?',
    );
    assert.match(statuses, /^(G\n)+$/);
    assert.equal(gitrail(['signing-key', '--data', data, 'spin']).status, 2);
  },
);

test('after a rotation each key verifies for its own period, with git and with gitrail verify', async (t) => {
  const data = tempDir(t);
  const gitdir = join(data, 'repo.git');
  const first = gitrail(['ingest', '--data', data, '--cluster', 'prod', join(EXAMPLES, 'kubernetes-audit.ndjson')]);
  assert.equal(first.status, 0, first.stderr);
  const stolen = join(tempDir(t), 'old.key');
  copyFileSync(join(data, 'keys', 'signing.key'), stolen);
  const oldKey = readFileSync(join(data, 'keys', 'allowed_signers'), 'utf8');
  await nextSecondAfter(newestCommitSecond(gitdir));
  const rotated = gitrail(['signing-key', '--data', data, 'rotate']);
  assert.equal(rotated.status, 0, rotated.stderr);
  assert.match(rotated.stdout, /^rotated: SHA256:\S+ signed checkpoints\/\S+; SHA256:\S+ signs from \S+Z$/m);
  const signers = join(data, 'keys', 'allowed_signers');
  const lines = readFileSync(signers, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('gitrail@'));
  assert.equal(lines.length, 2);
  assert.match(lines[0] as string, /^gitrail@localhost namespaces="git",valid-before="\d{14}Z" ssh-ed25519 /);
  assert.match(lines[1] as string, /^gitrail@localhost namespaces="git",valid-after="\d{14}Z" ssh-ed25519 /);
  assert.notEqual(readFileSync(join(data, 'keys', 'signing.key'), 'utf8'), readFileSync(stolen, 'utf8'));
  assert.ok(oldKey.includes((lines[0] as string).split(' ').at(-1) as string), 'the first line is the old key');

  const tags = git(gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n');
  const handover = git(gitdir, 'cat-file', 'tag', tags.at(-1) as string);
  assert.match(handover, /^Reason: rotation$/m);
  assert.match(
    handover,
    new RegExp(
      `^Next-Signing-Key: ${((lines[1] as string).split(' ').slice(-2).join(' ')).replace(/[+/]/g, '\\$&')}$`,
      'm',
    ),
  );

  await nextSecondAfter(Math.floor(Date.now() / 1000));
  const second = gitrail(['ingest', '--data', data, '--source', 'flags', join(EXAMPLES, 'generic-events.ndjson')]);
  assert.equal(second.status, 0, second.stderr);
  fsckStrict(gitdir);
  assert.match(git(gitdir, '-c', `gpg.ssh.allowedSignersFile=${signers}`, 'log', '--all', '--format=%G?'), /^(G\n)+$/);
  for (const tag of git(gitdir, 'tag', '-l', 'checkpoints/*').trim().split('\n'))
    git(gitdir, '-c', `gpg.ssh.allowedSignersFile=${signers}`, 'verify-tag', tag);
  const ok = gitrail(['verify', '--data', data]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /signed by 2 keys/);

  // The old key, leaked, signing a commit after its period: refused by both.
  const tip = git(gitdir, 'rev-parse', 'main').trim();
  const path = git(gitdir, 'diff-tree', '--no-commit-id', '--name-only', '-r', tip).trim().split('\n')[0] as string;
  const forged = rewriteHistory(gitdir, 'main', { from: tip, path, content: 'forged: true\n', signingKey: stolen }).get(
    tip,
  ) as string;
  const gitSays = git(
    gitdir,
    '-c',
    `gpg.ssh.allowedSignersFile=${signers}`,
    'log',
    '-1',
    '--format=%G?',
    forged,
  ).trim();
  assert.notEqual(gitSays, 'G', 'git refuses the old key after its period');
  const refused = gitrail(['verify', '--data', data]);
  assert.equal(refused.status, 1);
  assert.match(
    refused.stderr.split('\n')[0] as string,
    new RegExp(`^commit ${forged}: signed by SHA256:\\S+ at \\S+, outside the period that key is allowed for$`),
  );
});
