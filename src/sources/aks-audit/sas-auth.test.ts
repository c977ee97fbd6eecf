// AKS audit reading with a SAS, against azurite with real SAS tokens made by the SDK from azurite's
// development key: a read+list container SAS (what an operator grants) and an account SAS URL read the
// export; a SAS without list or read permission, or an expired one, fails the source with the reason
// and leaves the checkpoint where it was; no SAS reaches the data folder, a git object or a log line.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  ContainerSASPermissions,
  generateAccountSASQueryParameters,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import pino from 'pino';
import { append, CONTAINER, hourBlob, line, RESOURCE, startExport } from '../../../test/helpers/aks-fixtures.ts';
import { ACCOUNT, KEY } from '../../../test/helpers/azurite.ts';
import { assertNoSecrets } from '../../../test/helpers/secrets.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { checkpointPath, loadCheckpoint } from './checkpoint.ts';
import { AksAuditConfig, type AksAuditConfigInput } from './config.ts';
import { AksAuditPollSource } from './poll-source.ts';

const KEY_CREDENTIAL = new StorageSharedKeyCredential(ACCOUNT, KEY);
const HOUR = 3_600_000;

/** A container SAS with `permissions` (e.g. `rl`), valid from an hour ago until `expiresIn` ms from now. */
function containerSas(permissions: string, expiresIn = HOUR): string {
  return generateBlobSASQueryParameters(
    {
      containerName: CONTAINER,
      permissions: ContainerSASPermissions.parse(permissions),
      startsOn: new Date(Date.now() - HOUR),
      expiresOn: new Date(Date.now() + expiresIn),
    },
    KEY_CREDENTIAL,
  ).toString();
}

function accountSas(permissions: string, resourceTypes = 'co'): string {
  return generateAccountSASQueryParameters(
    {
      permissions: AccountSASPermissions.parse(permissions),
      resourceTypes: AccountSASResourceTypes.parse(resourceTypes).toString(),
      services: AccountSASServices.parse('b').toString(),
      expiresOn: new Date(Date.now() + HOUR),
    },
    KEY_CREDENTIAL,
  ).toString();
}

function source(config: Partial<AksAuditConfigInput>, env: NodeJS.ProcessEnv): AksAuditPollSource {
  const parsed = AksAuditConfig.parse({ resourceId: RESOURCE, pollInterval: '1h', ...config });
  return new AksAuditPollSource(parsed, { redact: createRedactor(Buffer.alloc(32, 9)), env });
}

/** The SAS's signature, as sent (URL-encoded) and decoded: what must not be found anywhere. */
const signatures = (sas: string) => {
  const sig = new URLSearchParams(sas).get('sig') as string;
  return [sas, sig, encodeURIComponent(sig)];
};

test('a read+list container SAS and an account SAS URL read the export; no SAS in data, git or logs', async (t) => {
  const { url, container } = await startExport(t);
  const blob = hourBlob();
  await append(container, blob, `${line('s1')}\n`);
  const harness = await openHarness(t);
  const logged: string[] = [];
  const log = pino({ level: 'debug' }, { write: (text: string) => logged.push(text) });

  // A container SAS (sp=rl, what an operator grants), from a file, with a leading `?` as the portal shows it.
  const sas = containerSas('rl');
  const file = join(tempDir(t), 'sas');
  writeFileSync(file, `?${sas}\n`);
  const first = source({ accountUrl: url, sasToken: { file } }, {});
  let stop = new AbortController();
  let running = first.run({ ...harness.ctx, log, signal: stop.signal });
  await first.poll();
  assert.equal(first.status().state, 'up');
  assert.equal(loadCheckpoint(checkpointPath(harness.ctx.stateDir))?.blobs[blob]?.line, 1);
  stop.abort();
  await running;

  // An account SAS URL (ss=b, srt=co, sp=rl) in an environment variable.
  await append(container, blob, `${line('s2', 'bob@contoso.com')}\n`);
  const account = accountSas('rl');
  const second = source({ sasUrl: { env: 'AKS_SAS_URL' } }, { AKS_SAS_URL: `${url}?${account}` });
  stop = new AbortController();
  running = second.run({ ...harness.ctx, log, signal: stop.signal });
  await second.poll();
  stop.abort();
  await running;
  assert.deepEqual(
    harness.commits.map((commit) => [commit.trailers['Event-ID'], commit.authorName]),
    [
      ['audit-s1', 'alice@contoso.com'],
      ['audit-s2', 'bob@contoso.com'],
    ],
  );
  assert.equal(loadCheckpoint(checkpointPath(harness.ctx.stateDir))?.blobs[blob]?.line, 2);
  assert.ok(logged.some((text) => text.includes('AKS audit poll complete')));
  const needles = [...signatures(sas), ...signatures(account)];
  assertNoSecrets(harness.dataDir, [], needles);
  for (const text of [...logged, JSON.stringify(first.status()), JSON.stringify(second.status())])
    for (const needle of needles) assert.ok(!text.includes(needle), 'no SAS in the logs or the status');
});

test('a SAS without list or read, expired, or of another container fails with the reason; no checkpoint', async (t) => {
  const { url, container } = await startExport(t);
  const blob = hourBlob();
  await append(container, blob, `${line('x1')}\n`);
  const harness = await openHarness(t);
  const token = { accountUrl: url, sasToken: { env: 'SAS' } };
  const good = source(token, { SAS: containerSas('rl') });
  const stopGood = harness.start(good);
  await harness.waitForCommits((commits) => commits.length === 1);
  await stopGood();
  const path = checkpointPath(harness.ctx.stateDir);
  const before = loadCheckpoint(path);
  assert.equal(before?.blobs[blob]?.line, 1);
  await append(container, blob, `${line('x2')}\n`);
  const cases: Array<[string, Partial<AksAuditConfigInput>, string, string]> = [
    [
      'no list',
      token,
      containerSas('r'),
      'the SAS token does not allow listing blobs (403 AuthorizationPermissionMismatch)',
    ],
    [
      'no read',
      token,
      containerSas('l'),
      'the SAS token does not allow reading blobs (403 AuthorizationPermissionMismatch)',
    ],
    ['expired', token, containerSas('rl', -60_000), 'the SAS token expired at '],
    ['containers only', token, accountSas('rl', 'c'), 'the account SAS does not cover objects (srt=o) (403 '],
    [
      'connection string',
      { connectionString: { env: 'SAS' } },
      `BlobEndpoint=${url};SharedAccessSignature=${containerSas('r')}`,
      'the SAS token does not allow listing blobs (403 AuthorizationPermissionMismatch)',
    ],
    [
      'other container',
      { sasUrl: { env: 'SAS' } },
      `${url}/insights-logs-kube-audit-admin?${containerSas('rl')}`,
      'sasUrl: the SAS URL names container insights-logs-kube-audit-admin, but container is insights-logs-kube-audit',
    ],
  ];
  for (const [name, config, sas, reason] of cases) {
    const aks = source(config, { SAS: sas });
    const stop = new AbortController();
    const running = aks.run({ ...harness.ctx, signal: stop.signal });
    await aks.poll();
    stop.abort();
    await running;
    const status = aks.status();
    assert.ok(status.lastError?.includes(`aksAudit prod: `), `${name}: ${status.lastError}`);
    assert.ok(status.lastError?.includes(reason), `${name}: ${status.lastError}`);
    assert.ok(!JSON.stringify(status).includes(new URLSearchParams(sas).get('sig') as string));
    assert.ok(!status.lastError?.includes('\n'), 'one line');
    assert.deepEqual(loadCheckpoint(path), before, `${name}: the checkpoint stays`);
  }
  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    ['audit-x1'],
  );
});

test('an expired SAS replaced in its file is used by the next poll, without a restart', async (t) => {
  const { url, container } = await startExport(t);
  const blob = hourBlob();
  await append(container, blob, `${line('rot')}\n`);
  const harness = await openHarness(t);
  const file = join(tempDir(t), 'sas');
  writeFileSync(file, containerSas('rl', -60_000));
  const aks = source({ accountUrl: url, sasToken: { file } }, {});
  const stop = harness.start(aks);
  await aks.poll();
  assert.equal(aks.status().state, 'failing');
  assert.match(aks.status().lastError ?? '', /the SAS token expired at /);
  // The mounted Secret is updated in place, as Kubernetes does for a secret volume.
  writeFileSync(file, containerSas('rl'));
  await aks.poll();
  assert.equal(aks.status().state, 'up');
  await stop();
  assert.deepEqual(
    harness.commits.map((commit) => commit.trailers['Event-ID']),
    ['audit-rot'],
  );
  assert.equal(loadCheckpoint(checkpointPath(harness.ctx.stateDir))?.blobs[blob]?.line, 1);
});
