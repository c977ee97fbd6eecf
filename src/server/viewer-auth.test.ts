import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../domain/errors.ts';
import { tempDir } from '../../test/helpers/tmp.ts';
import { ViewerAuth } from './viewer-auth.ts';
import { servedViewerConfig, ViewerConfig } from '../config/viewer.ts';

const NOW = Date.parse('2026-03-02T03:00:00Z');
const OPS = 'ops-token-0123456789abcdef';
const AUDIT = 'audit-token-0123456789abcdef';

function authWith(config: unknown, env: NodeJS.ProcessEnv = {}): ViewerAuth {
  return ViewerAuth.fromConfig(ViewerConfig.parse(config), env);
}

test('tokens come from the config (env or file) and GITRAIL_VIEW_TOKEN, each naming its holder', (t) => {
  const file = join(tempDir(t), 'audit.token');
  writeFileSync(file, `${AUDIT}\n`);
  const auth = authWith(
    {
      tokens: [
        { name: 'ops', secret: { env: 'OPS_TOKEN' } },
        { name: 'audit', secret: { file } },
      ],
    },
    { OPS_TOKEN: OPS, GITRAIL_VIEW_TOKEN: 'env-token-0123456789abcdef' },
  );
  assert.equal(auth.checkToken(OPS), 'ops');
  assert.equal(auth.checkToken(AUDIT), 'audit');
  assert.equal(auth.checkToken('env-token-0123456789abcdef'), 'viewer');
  assert.equal(auth.checkToken(`${OPS}x`), null);
  assert.equal(auth.checkToken(''), null);
});

test('a token value held twice names its first holder, for a bearer token and for a login alike', () => {
  const auth = authWith(
    {
      tokens: [
        { name: 'first', secret: { env: 'T' } },
        { name: 'second', secret: { env: 'T' } },
      ],
    },
    { T: OPS },
  );
  assert.equal(auth.checkToken(OPS), 'first');
  assert.equal(auth.checkSession(auth.issueSession(OPS, NOW) as string, NOW), 'first');
});

test('a viewer without any way to authenticate, a short token or a missing secret is a config error', () => {
  assert.throws(
    () => authWith({}),
    (error: unknown) => error instanceof ConfigError && /GITRAIL_VIEW_TOKEN/.test(error.message),
  );
  assert.throws(
    () => authWith({}, { GITRAIL_VIEW_TOKEN: 'short' }),
    /GITRAIL_VIEW_TOKEN: a viewer token must be at least 16 characters/,
  );
  assert.throws(
    () => authWith({ tokens: [{ name: 'ops', secret: { env: 'UNSET_VAR' } }] }),
    /viewer\.tokens\[0\]\.secret: environment variable UNSET_VAR is not set/,
  );
  assert.doesNotThrow(() => authWith({ trustedProxy: { header: 'X-Forwarded-User', addresses: ['127.0.0.1'] } }));
  // Issue 10: without `addresses` any client could name itself by sending the header.
  assert.throws(() => ViewerConfig.parse({ trustedProxy: { header: 'X-Forwarded-User' } }), /addresses/);
});

test('the config schema rejects unknown keys and token values written inline', () => {
  assert.throws(() => ViewerConfig.parse({ token: OPS }));
  assert.throws(() => ViewerConfig.parse({ tokens: [{ name: 'ops', secret: OPS }] }));
  assert.throws(() => ViewerConfig.parse({ trustedProxy: { header: 'X Forwarded: User' } }));
  assert.deepEqual(ViewerConfig.parse({}), {
    tokens: [],
    sessionHours: 12,
    secureCookie: false,
    pageSize: 50,
    maxDiffBytes: 2 * 1024 * 1024,
  });
  for (const [key, schema] of Object.entries(ViewerConfig.shape))
    assert.ok(schema.description, `viewer.${key} is described`);
});

test('sessions are signed, expire, and end when their token is rotated', () => {
  const auth = authWith({ tokens: [{ name: 'ops', secret: { env: 'T' } }], sessionHours: 2 }, { T: OPS });
  assert.equal(auth.issueSession('wrong-token-0123456789', NOW), null);
  const session = auth.issueSession(OPS, NOW) as string;
  assert.doesNotMatch(session, new RegExp(OPS));
  assert.equal(auth.checkSession(session, NOW + 3_600_000), 'ops');
  assert.equal(auth.checkSession(session, NOW + 2 * 3_600_000), null, 'expired');
  const [name, expires, mac] = session.split('.');
  assert.equal(
    auth.checkSession(`${Buffer.from('admin').toString('base64url')}.${expires}.${mac}`, NOW),
    null,
    'another name',
  );
  assert.equal(auth.checkSession(`${name}.${Number(expires) + 1}.${mac}`, NOW), null, 'a longer life');
  assert.equal(auth.checkSession('garbage', NOW), null);
  const rotated = authWith({ tokens: [{ name: 'ops', secret: { env: 'T' } }] }, { T: `${OPS}-new` });
  assert.equal(rotated.checkSession(session, NOW), null);
});

test('authenticate: a bearer token decides alone, then the session, then a trusted proxy header', () => {
  const auth = authWith({ trustedProxy: { header: 'X-User', addresses: ['127.0.0.1'] } }, { GITRAIL_VIEW_TOKEN: OPS });
  const session = auth.issueSession(OPS, NOW) as string;
  assert.deepEqual(auth.authenticate({ bearer: OPS }, NOW), { ok: true, identity: { user: 'viewer', via: 'token' } });
  assert.deepEqual(auth.authenticate({ bearer: 'nope', session }, NOW), { ok: false, reason: 'invalid' });
  assert.deepEqual(auth.authenticate({ session }, NOW), { ok: true, identity: { user: 'viewer', via: 'session' } });
  assert.deepEqual(auth.authenticate({ proxyUser: 'dana', peer: '::ffff:127.0.0.1' }, NOW), {
    ok: true,
    identity: { user: 'dana', via: 'proxy' },
  });
  assert.deepEqual(auth.authenticate({ proxyUser: 'dana', peer: '192.0.2.1' }, NOW), { ok: false, reason: 'missing' });
  assert.deepEqual(auth.authenticate({ proxyUser: 'da\nna', peer: '127.0.0.1' }, NOW), {
    ok: false,
    reason: 'missing',
  });
  assert.deepEqual(auth.authenticate({}, NOW), { ok: false, reason: 'missing' });
  const noProxy = authWith({}, { GITRAIL_VIEW_TOKEN: OPS });
  assert.deepEqual(noProxy.authenticate({ proxyUser: 'dana', peer: '127.0.0.1' }, NOW), {
    ok: false,
    reason: 'missing',
  });
});

test('served over TLS, the session cookie is Secure whatever viewer.secureCookie says (issue 10)', () => {
  const viewer = ViewerConfig.parse({});
  assert.equal(servedViewerConfig(viewer, true).secureCookie, true);
  assert.equal(servedViewerConfig(viewer, false).secureCookie, false);
  assert.equal(servedViewerConfig(ViewerConfig.parse({ secureCookie: true }), false).secureCookie, true);
});
