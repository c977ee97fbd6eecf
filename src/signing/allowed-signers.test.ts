import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findSigner, formatAllowedSigner, parseAllowedSigners, parseSshTime } from './allowed-signers.ts';
import { generateSigningKey } from './ssh-key.ts';

test('allowed-signers lines round-trip, with their validity window in UTC', () => {
  const key = generateSigningKey('');
  const line = formatAllowedSigner({
    principals: 'gitrail@example.com',
    namespaces: ['git'],
    validAfter: Date.UTC(2025, 0, 2, 3, 4, 5),
    validBefore: null,
    publicKey: key.publicKey,
  });
  assert.equal(line, `gitrail@example.com namespaces="git",valid-after="20250102030405Z" ${key.publicKey.line}`);
  const [parsed] = parseAllowedSigners(`# comment\n\n${line}\n`, 'f');
  assert.equal(parsed?.validAfter, Date.UTC(2025, 0, 2, 3, 4, 5));
  assert.equal(parsed?.principals, 'gitrail@example.com');
  assert.deepEqual(parsed?.namespaces, ['git']);
  assert.equal(
    parseSshTime('20250102'),
    new Date(2025, 0, 2).getTime(),
    'without Z the time is local, as in ssh-keygen',
  );
  assert.throws(
    () => parseAllowedSigners(`x valid-after="2025" ${key.publicKey.line}`, 'f'),
    /f:1: valid-after="2025"/,
  );
  assert.throws(() => parseAllowedSigners('x namespaces="git"', 'f'), /f:1: no public key/);
});

test('a key is accepted only inside its window, both ends included, and an unknown key is named', () => {
  const key = generateSigningKey('');
  const other = generateSigningKey('');
  const signers = parseAllowedSigners(
    `a valid-after="20250101000000Z",valid-before="20250201000000Z" ${key.publicKey.line}\n`,
    'f',
  );
  assert.equal(findSigner(signers, key.publicKey, Date.UTC(2025, 0, 1)).ok, true);
  assert.equal(findSigner(signers, key.publicKey, Date.UTC(2025, 1, 1, 0, 0, 0, 999)).ok, true);
  const late = findSigner(signers, key.publicKey, Date.UTC(2025, 1, 1, 0, 0, 1));
  assert.equal(late.ok, false);
  assert.match(late.ok ? '' : late.reason, /outside the period/);
  const unknown = findSigner(signers, other.publicKey, Date.UTC(2025, 0, 5));
  assert.match(unknown.ok ? '' : unknown.reason, /not an allowed signer/);
});
