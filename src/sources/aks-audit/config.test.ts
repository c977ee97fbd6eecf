// The credential part of an `aksAudit:` entry, as `gitrail check-config` reports it: exactly one of
// connectionString, accountKey, sasToken, sasUrl or auth; the URL each needs; one way to sign in to
// Entra ID; and no secret given inline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIssues } from '../../config/issues.ts';
import { AksAuditConfig } from './config.ts';

const RESOURCE = '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/prod';
const ACCOUNT = 'https://shoplogs.blob.core.windows.net';
const SP = { tenantId: 't', clientId: 'c', clientSecret: { env: 'AKS_SECRET' } };

/** The problems of one entry, or [] when it is valid. */
function problems(entry: Record<string, unknown>): string[] {
  const result = AksAuditConfig.safeParse({ resourceId: RESOURCE, ...entry });
  return result.success ? [] : formatIssues(result.error.issues);
}

test('each credential is accepted with what it needs', () => {
  for (const entry of [
    { connectionString: { file: '/run/secrets/logs' } },
    { accountUrl: ACCOUNT, accountKey: { env: 'KEY' } },
    { accountUrl: ACCOUNT, sasToken: { file: '/run/secrets/sas' } },
    { sasUrl: { env: 'SAS_URL' } },
    { accountUrl: ACCOUNT, auth: SP },
    { accountUrl: ACCOUNT, auth: { managedIdentity: true } },
    { accountUrl: ACCOUNT, auth: { managedIdentity: true, clientId: 'user-assigned' } },
    { accountUrl: ACCOUNT, auth: { defaultCredential: true } },
    { accountUrl: ACCOUNT, auth: { ...SP, authorityHost: 'https://login.microsoftonline.us' } },
  ])
    assert.deepEqual(problems(entry), [], JSON.stringify(entry));
});

test('a missing, doubled or incomplete credential is refused with the reason', () => {
  const one = 'accountKey: set one credential: connectionString, accountKey, sasToken, sasUrl or auth';
  assert.deepEqual(problems({ accountUrl: ACCOUNT }), [one]);
  assert.deepEqual(problems({ accountUrl: ACCOUNT, sasToken: { env: 'S' }, auth: SP }), [
    `${one} (not sasToken and auth)`,
  ]);
  assert.deepEqual(problems({ sasToken: { env: 'S' } }), ['accountUrl: accountUrl is needed with sasToken']);
  assert.deepEqual(problems({ auth: SP }), ['accountUrl: accountUrl is needed with auth']);
  assert.deepEqual(problems({ accountUrl: ACCOUNT, sasUrl: { env: 'S' } }), [
    'accountUrl: sasUrl names the account: leave accountUrl out',
  ]);
  assert.deepEqual(problems({ accountUrl: 'http://shoplogs.blob.core.windows.net', auth: SP }), [
    'accountUrl: accountUrl must be https with auth (Entra ID tokens are only sent over TLS)',
  ]);
  const way =
    'auth: set one way to sign in: clientSecret (with tenantId and clientId), managedIdentity or defaultCredential';
  assert.deepEqual(problems({ accountUrl: ACCOUNT, auth: {} }), [way]);
  assert.deepEqual(problems({ accountUrl: ACCOUNT, auth: { ...SP, managedIdentity: true } }), [
    way,
    'auth.tenantId: a managed identity has no tenantId to set',
  ]);
  assert.deepEqual(problems({ accountUrl: ACCOUNT, auth: { clientSecret: { env: 'S' } } }), [
    'auth.clientSecret: clientSecret needs tenantId and clientId',
  ]);
  assert.deepEqual(problems({ accountUrl: ACCOUNT, auth: { managedIdentity: true, tenantId: 't' } }), [
    'auth.tenantId: a managed identity has no tenantId to set',
  ]);
});

test('a secret given inline is refused without repeating it', () => {
  const token = 'sv=2025-01-05&sp=rl&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';
  const found = problems({ accountUrl: ACCOUNT, sasToken: token });
  assert.ok(found.length > 0 && found.every((line) => line.startsWith('sasToken')), found.join('\n'));
  assert.ok(!found.join('\n').includes('c2VjcmV0'), 'the value is not echoed');
  const secret = problems({ accountUrl: ACCOUNT, auth: { ...SP, clientSecret: 'Qx8~kR2.vN5pL7sT9wY1z' } });
  assert.ok(secret.length > 0 && secret.every((line) => line.startsWith('auth.clientSecret')), secret.join('\n'));
  assert.ok(!secret.join('\n').includes('Qx8~'));
});
