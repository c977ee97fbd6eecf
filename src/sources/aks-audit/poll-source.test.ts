// AKS audit reading from a storage account, against azurite (the Azure Storage emulator) started by
// each test: lines appended across polls are committed once by the AKS user, the same commits as
// `gitrail ingest` of the same PT1H.json; a restart resumes from the checkpoint; a half-written last
// line waits for the next poll; poison lines are reported and skipped; a wrong account key fails the
// source with the reason and no secret anywhere.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import pino from 'pino';
import { append, hourBlob, line, RESOURCE, startExport as start } from '../../../test/helpers/aks-fixtures.ts';
import { ACCOUNT, KEY } from '../../../test/helpers/azurite.ts';
import { git } from '../../../test/helpers/git.ts';
import { openHarness } from '../../../test/helpers/source-harness.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { createRedactor } from '../../normalise/redact.ts';
import { checkpointPath, loadCheckpoint } from './checkpoint.ts';
import { AksAuditConfig, type AksAuditConfigInput } from './config.ts';
import { AksAuditPollSource } from './poll-source.ts';

const REDACTION_KEY = Buffer.alloc(32, 9);

function source(url: string, config: Partial<AksAuditConfigInput> = {}, key = KEY): AksAuditPollSource {
  const parsed = AksAuditConfig.parse({
    resourceId: RESOURCE,
    accountUrl: url,
    accountKey: { env: 'AKS_TEST_KEY' },
    pollInterval: '1h',
    ...config,
  });
  return new AksAuditPollSource(parsed, { redact: createRedactor(REDACTION_KEY), env: { AKS_TEST_KEY: key } });
}

const ids = (commits: readonly { trailers: Record<string, string | undefined> }[]) =>
  commits.map((commit) => commit.trailers['Event-ID']);

test('lines appended across polls are committed once by the AKS user, as `gitrail ingest` commits them', async (t) => {
  const { url, container } = await start(t);
  const blob = hourBlob();
  const old = hourBlob(3);
  await append(container, old, `${line('too-old')}\n`);
  await append(container, blob, `${line('a')}\n${line('b', 'bob@contoso.com')}\n`);
  const harness = await openHarness(t);
  const aks = source(url);
  assert.equal(aks.id, 'aks-audit/prod');
  const stop = harness.start(aks);
  await harness.waitForCommits((commits) => commits.length === 2);
  const third = line('c');
  await append(container, blob, `${third.slice(0, 200)}`);
  await aks.poll();
  assert.equal(harness.commits.length, 2, 'a half-written line waits');
  await append(container, blob, `${third.slice(200)}\n${line('d')}\n`);
  await aks.poll();
  await aks.poll();
  await stop();
  assert.deepEqual(ids(harness.commits), ['audit-a', 'audit-b', 'audit-c', 'audit-d'], 'each once, not the old hour');
  assert.deepEqual(
    harness.commits.map((commit) => commit.authorName),
    ['alice@contoso.com', 'bob@contoso.com', 'alice@contoso.com', 'alice@contoso.com'],
  );
  assert.ok(harness.outcomes.every((outcome) => outcome === 'committed'));
  assert.equal(aks.status().state, 'stopped');

  // `gitrail ingest` of the same blob writes the same tree, by the same authors.
  const dir = tempDir(t);
  const file = join(dir, 'PT1H.json');
  const text = (await container.getBlobClient(blob).downloadToBuffer()).toString();
  writeFileSync(file, text);
  const data = join(dir, 'ingested');
  mkdirSync(data);
  await runIngest({
    dataDir: data,
    paths: [file],
    cluster: 'prod',
    genericSource: 'ingest',
    redactionKey: REDACTION_KEY,
    sensitiveKeys: [],
    onProblem: (where, at, reason) => assert.fail(`${where}:${at}: ${reason}`),
  });
  const ingested = join(data, 'repo.git');
  const tree = (gitdir: string) => git(gitdir, 'ls-tree', '-r', 'main', 'kubernetes');
  const authors = (gitdir: string) => git(gitdir, 'log', '--reverse', '--format=%an %aI', 'main', '--', 'kubernetes');
  assert.equal(tree(ingested).match(/configmaps\/[abcd]\.yaml/g)?.length, 4);
  assert.equal(tree(harness.gitdir), tree(ingested));
  assert.equal(authors(harness.gitdir), authors(ingested));
});

test('a restart resumes from the checkpoint and records nothing twice', async (t) => {
  const { url, container } = await start(t);
  const blob = hourBlob();
  await append(container, blob, `${line('r1')}\n${line('r2')}\n`);
  const harness = await openHarness(t);
  let stop = harness.start(source(url));
  await harness.waitForCommits((commits) => commits.length === 2);
  await stop();
  const checkpoint = loadCheckpoint(checkpointPath(harness.ctx.stateDir));
  assert.equal(checkpoint?.blobs[blob]?.line, 2, 'checkpointed once committed');

  // Restarted with the account's connection string from a file, and a byte budget smaller than a line.
  await append(container, blob, `${line('r3')}\n${line('r4')}\n`);
  const secret = join(tempDir(t), 'connection-string');
  writeFileSync(
    secret,
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${url};\n`,
  );
  const restarted = {
    accountKey: undefined,
    accountUrl: undefined,
    connectionString: { file: secret },
    maxBytesPerRead: 10,
  };
  stop = harness.start(source(url, restarted));
  await harness.waitForCommits((commits) => commits.length === 4);
  await stop();
  assert.deepEqual(ids(harness.commits), ['audit-r1', 'audit-r2', 'audit-r3', 'audit-r4']);
  assert.ok(!harness.outcomes.includes('duplicate'), 'r1 and r2 were not even read again');
});

test('two replicas reading the same export commit each change once: the second copy is a duplicate', async (t) => {
  const { url, container } = await start(t);
  const blob = hourBlob();
  await append(container, blob, `${line('m1')}\n${line('m2')}\n${line('m3')}\n`);
  const harness = await openHarness(t);
  const stopFirst = harness.start(source(url));
  await harness.waitForCommits((commits) => commits.length === 3);
  await stopFirst();
  // The other replica: its own state folder and checkpoint, the same writer.
  const stateDir = join(harness.dataDir, 'sources', 'replica-2');
  mkdirSync(stateDir, { recursive: true });
  const second = source(url);
  const stop = new AbortController();
  const running = second.run({ ...harness.ctx, stateDir, signal: stop.signal });
  await second.poll();
  stop.abort();
  await running;
  assert.deepEqual(ids(harness.commits), ['audit-m1', 'audit-m2', 'audit-m3']);
  assert.deepEqual(harness.outcomes, [...Array(3).fill('committed'), ...Array(3).fill('duplicate')]);
  assert.equal(loadCheckpoint(checkpointPath(stateDir))?.blobs[blob]?.line, 3, 'the second replica checkpointed too');
});

test('poison lines are reported in the source status and skipped for good', async (t) => {
  const { url, container } = await start(t);
  const blob = hourBlob();
  const staging = RESOURCE.replace(/prod$/, 'staging');
  await append(container, blob, `not json\n${line('good')}\n${line('elsewhere', 'eve@contoso.com', staging)}\n`);
  const harness = await openHarness(t);
  const aks = source(url);
  const stop = harness.start(aks);
  await harness.waitForCommits((commits) => commits.length === 1);
  await aks.poll();
  const status = aks.status();
  assert.equal(status.state, 'up', 'a bad line does not make the source fail');
  assert.equal(status.refusedRecords, 2);
  assert.match(
    status.lastError ?? '',
    /refused record: .*PT1H\.json:3: kube-audit record of .*resourceId names cluster STAGING/,
  );
  await aks.poll();
  await stop();
  assert.equal(aks.status().refusedRecords, 2, 'not refused again');
  assert.equal(
    harness.batches.reduce((sum, batch) => sum + batch.rejected, 0),
    2,
  );
  assert.deepEqual(ids(harness.commits), ['audit-good']);
});

test('a wrong account key fails the source with the reason, no secret in status or logs; a fix resumes', async (t) => {
  const { url, container } = await start(t);
  await append(container, hourBlob(), `${line('k')}\n`);
  const harness = await openHarness(t);
  const wrong = Buffer.alloc(64, 7).toString('base64');
  const logged: string[] = [];
  const log = pino({ level: 'debug' }, { write: (text: string) => logged.push(text) });
  const aks = source(url, {}, wrong);
  const stop = new AbortController();
  const running = aks.run({ ...harness.ctx, log, signal: stop.signal });
  await aks.poll();
  assert.equal(aks.status().state, 'failing');
  stop.abort();
  await running;
  const status = aks.status();
  assert.match(
    status.lastError ?? '',
    /^poll: aksAudit prod: Server failed to authenticate the request\.[^\n]* \(403 AuthorizationFailure\)$/,
  );
  assert.equal(loadCheckpoint(checkpointPath(harness.ctx.stateDir)), null);
  assert.ok(logged.some((text) => text.includes('AKS audit poll failed')));
  for (const text of [JSON.stringify(status), ...logged]) {
    assert.ok(!text.includes(wrong) && !text.includes(KEY), 'no key in the status or logs');
  }
  const fixed = harness.start(source(url));
  await harness.waitForCommits((commits) => commits.length === 1);
  await fixed();
});

test('an unset secret fails the source with an error naming the variable; nothing is read', async (t) => {
  const harness = await openHarness(t);
  const parsed = AksAuditConfig.parse({
    name: 'prod',
    subscription: '0',
    resourceGroup: 'rg-prod',
    accountUrl: 'http://127.0.0.1:9/devstoreaccount1',
    accountKey: { env: 'AKS_KEY_NOT_SET' },
  });
  const aks = new AksAuditPollSource(parsed, { redact: createRedactor(REDACTION_KEY), env: {} });
  const stop = harness.start(aks);
  await aks.poll();
  assert.equal(aks.status().state, 'failing');
  assert.equal(
    aks.status().lastError,
    'poll: INVALID_CONFIG: aksAudit prod: accountKey: environment variable AKS_KEY_NOT_SET is not set',
  );
  await stop();
});
