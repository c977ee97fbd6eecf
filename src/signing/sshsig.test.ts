import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/tmp.ts';
import { decodePrivateKey, encodePrivateKey, generateSigningKey } from './ssh-key.ts';
import { parseSshSignature, signSsh, verifySsh } from './sshsig.ts';

test('a signature made in-process is one `ssh-keygen -Y verify` accepts, and ssh-keygen reads the key file', (t) => {
  const dir = tempDir(t);
  const key = generateSigningKey('gitrail test');
  writeFileSync(join(dir, 'key'), encodePrivateKey(key), { mode: 0o600 });
  const message = Buffer.from('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nhello\n');
  writeFileSync(join(dir, 'message'), message);
  writeFileSync(join(dir, 'message.sig'), signSsh(key, message));
  writeFileSync(join(dir, 'allowed'), `me@example.com namespaces="git" ${key.publicKey.line}\n`);
  const verify = spawnSync(
    'ssh-keygen',
    ['-Y', 'verify', '-f', join(dir, 'allowed'), '-I', 'me@example.com', '-n', 'git', '-s', join(dir, 'message.sig')],
    { input: message, encoding: 'utf8' },
  );
  assert.equal(verify.status, 0, verify.stderr);
  assert.match(
    verify.stdout,
    new RegExp(
      `Good "git" signature for me@example.com with ED25519 key ${key.publicKey.fingerprint.replace(/[+/]/g, '\\$&')}`,
    ),
  );
  assert.equal(
    execFileSync('ssh-keygen', ['-y', '-f', join(dir, 'key')], { encoding: 'utf8' }).trim(),
    `${key.publicKey.line} gitrail test`,
  );
  // A tampered message fails there too.
  const tampered = spawnSync(
    'ssh-keygen',
    ['-Y', 'verify', '-f', join(dir, 'allowed'), '-I', 'me@example.com', '-n', 'git', '-s', join(dir, 'message.sig')],
    { input: Buffer.concat([message, Buffer.from('x')]), encoding: 'utf8' },
  );
  assert.notEqual(tampered.status, 0);
});

test('a signature made by ssh-keygen with a key file gitrail wrote verifies here, byte for byte the same', (t) => {
  const dir = tempDir(t);
  const key = generateSigningKey('');
  writeFileSync(join(dir, 'key'), encodePrivateKey(key), { mode: 0o600 });
  writeFileSync(join(dir, 'data'), 'some data\n');
  execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-f', join(dir, 'key'), '-n', 'git', join(dir, 'data')], {
    stdio: 'ignore',
  });
  const armour = readFileSync(join(dir, 'data.sig'), 'utf8');
  const parsed = parseSshSignature(armour);
  assert.equal(parsed.publicKey.line, key.publicKey.line);
  assert.equal(verifySsh(parsed, Buffer.from('some data\n')), true);
  assert.equal(verifySsh(parsed, Buffer.from('other data\n')), false);
  assert.equal(verifySsh(parsed, Buffer.from('some data\n'), 'file'), false, 'another namespace does not verify');
  assert.equal(signSsh(key, Buffer.from('some data\n')), armour, 'Ed25519 is deterministic');
});

test('a key made by ssh-keygen is read; an encrypted or non-Ed25519 key is refused with the reason', (t) => {
  const dir = tempDir(t);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops', '-f', join(dir, 'plain')]);
  const key = decodePrivateKey(readFileSync(join(dir, 'plain'), 'utf8'));
  assert.equal(`${key.publicKey.line} ops`, readFileSync(join(dir, 'plain.pub'), 'utf8').trim());
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', join(dir, 'locked')]);
  assert.throws(() => decodePrivateKey(readFileSync(join(dir, 'locked'), 'utf8')), /encrypted with a passphrase/);
  execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', join(dir, 'ecdsa')]);
  assert.throws(
    () => decodePrivateKey(readFileSync(join(dir, 'ecdsa'), 'utf8')),
    /ecdsa-sha2-nistp256 keys are not supported/,
  );
  assert.throws(() => decodePrivateKey('hello'), /not an OpenSSH private key/);
});

test('one key signs many messages for several namespaces, each signature the one ssh-keygen makes', (t) => {
  const dir = tempDir(t);
  const key = generateSigningKey('');
  writeFileSync(join(dir, 'key'), encodePrivateKey(key), { mode: 0o600 });
  const cases = [
    ['git', 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nfirst\n'],
    ['file', 'a checkpoint\n'],
    ['git', `tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\n${'second, longer ✓\n'.repeat(40)}`],
    ['git', ''],
  ] as const;
  cases.forEach(([namespace, text], index) => {
    const file = join(dir, `m${index}`);
    writeFileSync(file, text);
    execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-f', join(dir, 'key'), '-n', namespace, file], {
      stdio: 'ignore',
    });
    assert.equal(signSsh(key, Buffer.from(text), namespace), readFileSync(`${file}.sig`, 'utf8'), `case ${index}`);
  });
});
