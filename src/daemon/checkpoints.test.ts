// Checkpoints in the running daemon (issue 11 item 2): written on the interval, time-stamped by
// an RFC 3161 authority (a fake TSA on 127.0.0.1 built with pkijs, the token read back by
// `openssl ts` and by `gitrail verify`), announced on a webhook with its HMAC signature, its age
// exported on /metrics, and shown in the viewer beside a verified badge on every commit.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { FakeChatServer } from '../../test/fakes/chat-server.ts';
import { FakeTsa } from '../../test/fakes/tsa.ts';
import { git } from '../../test/helpers/git.ts';
import { genericEvent } from '../../test/helpers/intake-fixtures.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { Config } from '../config/schema.ts';
import { startDaemon } from '../main.ts';
import { readSigners } from '../signing/key-store.ts';
import { verifyRepository } from '../verify/verify.ts';

const TOKEN = 'checkpoint-test-token-0123456789';

test('a checkpoint is time-stamped, announced, measured and shown; verify checks its time-stamp', async (t) => {
  const dir = tempDir(t);
  const tsa = await FakeTsa.start();
  t.after(() => tsa.close());
  const chat = await FakeChatServer.start();
  t.after(() => chat.close());
  const config = Config.parse({
    data: join(dir, 'data'),
    listen: '127.0.0.1:0',
    checkpoint: { interval: '1s', timestamp: { url: tsa.url }, notify: 'security' },
    notify: {
      channels: { security: { kind: 'webhook', url: chat.url('webhook', 'security'), secret: { env: 'HOOK' } } },
    },
  });
  const daemon = await startDaemon({
    config,
    env: { GITRAIL_INGEST_TOKEN: TOKEN, HOOK: chat.webhookSecret },
    log: pino({ level: 'silent' }),
  });
  let stopped = false;
  t.after(() => (stopped ? undefined : daemon.stop('test')));
  const posted = await fetch(`${daemon.url}/ingest/events/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify([genericEvent(1), genericEvent(2)]),
  });
  assert.equal(posted.status, 202);
  // The first checkpoint naming both commits, announced once it is time-stamped.
  const main = () => git(daemon.gitdir, 'for-each-ref', '--format=%(objectname)', 'refs/heads/main').trim();
  const announced = () =>
    chat.receipts.filter(
      (receipt) => (receipt.body as { kind?: string }).kind === 'checkpoint' && receipt.status < 300,
    );
  await chat.waitFor(() =>
    announced().some((receipt) => (receipt.body as { facts: { main: string } }).facts.main === main() && main() !== ''),
  );
  const receipt = announced().find((each) => (each.body as { facts: { main: string } }).facts.main === main());
  const body = receipt?.body as { name: string; oid: string; tag: string };
  assert.equal(receipt?.problem, null, 'the HMAC signature and shape hold');
  assert.equal(git(daemon.gitdir, 'rev-parse', `refs/tags/${body.name}`).trim(), body.oid);
  assert.match(body.tag, /^Main: [0-9a-f]{40}$/m);

  // The token is a real RFC 3161 reply over the tag object, as openssl reads it.
  const stamp = body.name.replace('checkpoints/', 'timestamps/');
  const tsr = join(dir, 'checkpoint.tsr');
  writeFileSync(tsr, execFileSync('git', ['--git-dir', daemon.gitdir, 'cat-file', 'blob', stamp]));
  const tagFile = join(dir, 'checkpoint.tag');
  writeFileSync(tagFile, execFileSync('git', ['--git-dir', daemon.gitdir, 'cat-file', 'tag', body.name]));
  const text = execFileSync('openssl', ['ts', '-reply', '-in', tsr, '-text'], { encoding: 'utf8' });
  assert.match(text, /Status: Granted\./);
  // openssl checks the token against the tag object, trusting the certificate the token carries.
  const token = join(dir, 'token.der');
  execFileSync('openssl', ['ts', '-reply', '-in', tsr, '-token_out', '-out', token]);
  const certificate = join(dir, 'tsa.pem');
  execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', token, '-print_certs', '-out', certificate]);
  const checked = spawnSync(
    'openssl',
    ['ts', '-verify', '-data', tagFile, '-in', tsr, '-CAfile', certificate, '-partial_chain'],
    { encoding: 'utf8' },
  );
  assert.match(checked.stdout, /Verification: OK/, checked.stderr);
  writeFileSync(tagFile, `${readFileSync(tagFile, 'utf8')}edited\n`);
  const other = spawnSync('openssl', [
    'ts',
    '-verify',
    '-data',
    tagFile,
    '-in',
    tsr,
    '-CAfile',
    certificate,
    '-partial_chain',
  ]);
  assert.notEqual(other.status, 0, 'and not against anything else');

  const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
  assert.match(metrics, /^gitrail_checkpoint_age_seconds \d+(\.\d+)?$/m);
  const viewToken = readFileSync(daemon.viewerTokenFile as string, 'utf8').trim();
  const page = await (await fetch(`${daemon.url}/`, { headers: { authorization: `Bearer ${viewToken}` } })).text();
  assert.match(page, /data-testid="checkpoint" title="checkpoints\/\d{8}T\d{6}Z/);
  assert.equal([...page.matchAll(/data-testid="signature"[^>]*>verified</g)].length, 2, 'a badge per commit');

  assert.equal(await daemon.stop('test'), 0);
  stopped = true;
  const signers = readSigners(join(dir, 'data', 'keys', 'allowed_signers'));
  const report = await verifyRepository({ gitdir: daemon.gitdir, dataDir: join(dir, 'data'), signers });
  assert.deepEqual(report.problems, []);
  assert.ok(
    report.notes.some((note) => /checkpoints time-stamped \(RFC 3161\); checkpoints\/\S+ existed by /.test(note)),
    report.notes.join('\n'),
  );

  // A token edited afterwards no longer holds, and verify names it.
  const edited = readFileSync(tsr);
  edited[edited.length - 5] = (edited[edited.length - 5] as number) ^ 0xff;
  const forged = execFileSync('git', ['--git-dir', daemon.gitdir, 'hash-object', '-w', '--stdin'], {
    input: edited,
    encoding: 'utf8',
  }).trim();
  git(daemon.gitdir, 'update-ref', `refs/tags/${stamp}`, forged);
  const tampered = await verifyRepository({ gitdir: daemon.gitdir, signers });
  assert.equal(tampered.problems[0]?.object, `timestamp ${stamp}`);
  assert.match(tampered.problems[0]?.reason ?? '', new RegExp(`^does not hold for ${body.name}: `));
});
