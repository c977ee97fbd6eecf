// AKS audit reading with an Entra ID service principal: @azure/identity's ClientSecretCredential gets
// a token from a fake Entra authority (test/fakes/entra-token.ts) and the storage SDK sends it to azurite
// started with `--oauth basic` over HTTPS (a self-signed certificate this process trusts). A wrong client
// secret fails the source with Entra's reason and no checkpoint; the secret and the token reach no file
// of the data folder, no git object, no log line and no status. defaultCredential is tested as AKS workload
// identity (a federated service account token), managedIdentity through a fake IMDS token endpoint.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { test } from 'node:test';
import tls from 'node:tls';
import pino from 'pino';
import { append, hourBlob, line, RESOURCE, startExport } from '../../../test/helpers/aks-fixtures.ts';
import { selfSignedCert } from '../../../test/helpers/azurite.ts';
import { assertNoSecrets } from '../../../test/helpers/secrets.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { type FakeEntra, startFakeEntra, startFakeImds } from '../../../test/fakes/entra-token.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { checkpointPath, loadCheckpoint } from './checkpoint.ts';
import { AksAuditConfig } from './config.ts';
import { AksAuditPollSource } from './poll-source.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '5c1a3d2e-9b7f-4e61-a0d4-3f2b8c6e1a90';
const SECRET = 'Qx8~kR2.vN5pL7sT9wY1zB3dF6hJ0mC4eG8aU-iO';

type Rig = { entra: FakeEntra } & Awaited<ReturnType<typeof startExport>>;

/** Azurite over HTTPS with OAuth, and the fake authority; `audience` is the `aud` of the tokens it issues. */
async function rig(t: TestContext, audience?: string, federatedToken?: string): Promise<Rig> {
  const cert = selfSignedCert(tempDir(t));
  // What NODE_EXTRA_CA_CERTS does for an operator's private CA, for this test process only.
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert.pem]);
  const entra = await startFakeEntra({
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: SECRET,
    tls: cert,
    ...(audience === undefined ? {} : { audience }),
    ...(federatedToken === undefined ? {} : { federatedToken }),
  });
  t.after(() => entra.close());
  const exported = await startExport(t, { oauth: cert });
  return { ...exported, entra };
}

/** Sets process environment variables (read by @azure/identity itself) until the test ends. */
function setEnv(t: TestContext, values: Record<string, string>): void {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  t.after(() => {
    for (const [key, value] of Object.entries(saved))
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  });
}

function source(url: string, authorityHost: string, secret: string): AksAuditPollSource {
  const config = AksAuditConfig.parse({
    resourceId: RESOURCE,
    accountUrl: url,
    auth: { tenantId: TENANT, clientId: CLIENT, clientSecret: { env: 'AKS_CLIENT_SECRET' }, authorityHost },
    pollInterval: '1h',
  });
  return new AksAuditPollSource(config, {
    redact: createRedactor(Buffer.alloc(32, 9)),
    env: { AKS_CLIENT_SECRET: secret },
  });
}

test('a service principal reads the export with an Entra ID token; a wrong secret fails with the reason', async (t) => {
  const { url, container, entra } = await rig(t);
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
  const blob = hourBlob();
  await append(container, blob, `${line('e1')}\n`);
  const harness = await openHarness(t);
  const logged: string[] = [];
  const log = pino({ level: 'debug' }, { write: (text: string) => logged.push(text) });

  // A wrong client secret: Entra refuses the sign-in; nothing is read and no checkpoint is written.
  const wrong = source(url, entra.url, 'not-the-secret-0123456789');
  let stop = new AbortController();
  let running = wrong.run({ ...harness.ctx, log, signal: stop.signal });
  await wrong.poll();
  assert.equal(wrong.status().state, 'failing');
  stop.abort();
  await running;
  assert.equal(
    wrong.status().lastError,
    'poll: aksAudit prod: Entra ID sign-in failed: AADSTS7000215: Invalid client secret provided. (invalid_client)',
  );
  assert.equal(loadCheckpoint(checkpointPath(harness.ctx.stateDir)), null);

  const aks = source(url, entra.url, SECRET);
  stop = new AbortController();
  running = aks.run({ ...harness.ctx, log, signal: stop.signal });
  await aks.poll();
  await append(container, blob, `${line('e2', 'bob@contoso.com')}\n`);
  await aks.poll();
  assert.equal(aks.status().state, 'up');
  stop.abort();
  await running;
  assert.deepEqual(
    harness.commits.map((commit) => [commit.trailers['Event-ID'], commit.authorName]),
    [
      ['audit-e1', 'alice@contoso.com'],
      ['audit-e2', 'bob@contoso.com'],
    ],
  );
  assert.equal(loadCheckpoint(checkpointPath(harness.ctx.stateDir))?.blobs[blob]?.line, 2);
  const granted = entra.tokenRequests.filter((form) => form['client_secret'] === SECRET);
  assert.equal(granted.length, 1, 'one token for both polls (the credential caches it until it nears expiry)');
  assert.deepEqual(
    [granted[0]?.['grant_type'], granted[0]?.['client_id'], granted[0]?.['scope']],
    ['client_credentials', CLIENT, 'https://storage.azure.com/.default'],
  );

  const needles = [SECRET, ...entra.issued];
  assertNoSecrets(harness.dataDir, [SECRET], entra.issued);
  for (const text of [...logged, JSON.stringify(aks.status()), JSON.stringify(wrong.status())])
    for (const needle of needles) assert.ok(!text.includes(needle), 'no client secret or token in logs or status');
});

test('a token the storage account refuses (another audience) fails the source with its reason', async (t) => {
  const { url, container, entra } = await rig(t, 'https://management.azure.com');
  await append(container, hourBlob(), `${line('z')}\n`);
  const harness = await openHarness(t);
  const aks = source(url, entra.url, SECRET);
  const stop = harness.start(aks);
  await aks.poll();
  assert.equal(aks.status().state, 'failing');
  await stop();
  assert.equal(
    aks.status().lastError,
    'poll: aksAudit prod: the storage account refused the Entra ID token: Invalid token audience. ' +
      '(403 AuthenticationFailed)',
  );
  assert.equal(entra.issued.length, 1);
  assert.equal(loadCheckpoint(checkpointPath(harness.ctx.stateDir)), null);
  assert.equal(harness.commits.length, 0);
});

test('defaultCredential signs in with AKS workload identity (a federated service account token)', async (t) => {
  const projected = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Z2l0cmFpbDpnaXRyYWlsIn0.c2ln';
  const { url, container, entra } = await rig(t, undefined, projected);
  const tokenFile = join(tempDir(t), 'azure-identity-token');
  writeFileSync(tokenFile, projected);
  // What the workload identity webhook injects into the pod; the chain is held to that one credential so a
  // failure cannot fall through to IMDS or the az CLI.
  const injected = {
    AZURE_CLIENT_ID: CLIENT,
    AZURE_TENANT_ID: TENANT,
    AZURE_FEDERATED_TOKEN_FILE: tokenFile,
    AZURE_TOKEN_CREDENTIALS: 'WorkloadIdentityCredential',
  };
  setEnv(t, injected);
  await append(container, hourBlob(), `${line('w1')}\n`);
  const harness = await openHarness(t);
  const config = AksAuditConfig.parse({
    resourceId: RESOURCE,
    accountUrl: url,
    auth: { defaultCredential: true, authorityHost: entra.url },
    pollInterval: '1h',
  });
  const aks = new AksAuditPollSource(config, { redact: createRedactor(Buffer.alloc(32, 9)) });
  const stop = harness.start(aks);
  await harness.waitForCommits((commits) => commits.length === 1);
  await stop();
  assert.equal(harness.commits[0]?.authorName, 'alice@contoso.com');
  assert.deepEqual(
    entra.tokenRequests.map((form) => [form['client_id'], form['client_assertion'], form['client_secret']]),
    [[CLIENT, projected, undefined]],
  );
});

test('managedIdentity signs in through the Instance Metadata Service, system- or user-assigned', async (t) => {
  const { url, container, entra } = await rig(t);
  const imds = await startFakeImds(entra, 'system-assigned-client-id');
  t.after(() => imds.close());
  // The documented override of the IMDS address (169.254.169.254), here the fake on 127.0.0.1.
  setEnv(t, { AZURE_POD_IDENTITY_AUTHORITY_HOST: imds.url });
  const blob = hourBlob();
  const harness = await openHarness(t);
  for (const [id, managed] of [
    ['m1', { managedIdentity: true }],
    ['m2', { managedIdentity: true, clientId: CLIENT }],
  ] as const) {
    await append(container, blob, `${line(id)}\n`);
    const config = AksAuditConfig.parse({ resourceId: RESOURCE, accountUrl: url, auth: managed, pollInterval: '1h' });
    const aks = new AksAuditPollSource(config, { redact: createRedactor(Buffer.alloc(32, 9)) });
    const stop = harness.start(aks);
    await harness.waitForCommits((commits) => commits.some((commit) => commit.trailers['Event-ID'] === `audit-${id}`));
    await stop();
  }
  assert.deepEqual(
    harness.commits.map((commit) => [commit.trailers['Event-ID'], commit.authorName]),
    [
      ['audit-m1', 'alice@contoso.com'],
      ['audit-m2', 'alice@contoso.com'],
    ],
  );
  assert.deepEqual(
    imds.requests.map((query) => [query['resource'], query['client_id']]),
    [
      ['https://storage.azure.com', undefined],
      ['https://storage.azure.com', CLIENT],
    ],
  );
  assert.equal(entra.tokenRequests.length, 0, 'no client secret or assertion involved');
});
