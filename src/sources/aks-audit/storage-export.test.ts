// The storage-account reader against azurite, the Azure Storage emulator, started here on 127.0.0.1
// with a temporary folder: append blobs laid out as AKS diagnostic settings write them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlobServiceClient, type ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { ACCOUNT, KEY, startAzurite } from '../../../test/helpers/azurite.ts';
import { tempDir } from '../../../test/helpers/tmp.ts';
import { loadJsonState, saveJsonState } from '../runtime/json-state.ts';
import { parseDiagnosticRecord } from './diagnostic-record.ts';
import { clusterPrefix, ExportCheckpoint, type ExportRecord, readNewRecords } from './storage-export.ts';

const RESOURCE = '/subscriptions/0/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/prod';
const prefix = clusterPrefix(RESOURCE);

const record = (id: string, user: string, second: number) => {
  const time = `2026-12-04T03:00:0${second}.000000Z`;
  const event = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    verb: 'update',
    user: { username: user },
    objectRef: { resource: 'configmaps', namespace: 'shop', name: id, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
  };
  return JSON.stringify({
    time,
    resourceId: RESOURCE.toUpperCase(),
    category: 'kube-audit',
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log: `${JSON.stringify(event)}\n`, stream: 'stdout', pod: 'kube-apiserver-6d8f7b9c5-x2k4p' },
  });
};

async function appendBlob(container: ContainerClient, name: string, ...blocks: string[]) {
  const blob = container.getAppendBlobClient(name);
  await blob.createIfNotExists();
  for (const block of blocks) await blob.appendBlock(block, Buffer.byteLength(block));
}

/** What a reader of the records sees: `blob-hour:line author` or the problem. */
const seen = (records: readonly ExportRecord[]) =>
  records.map((item) => {
    const at = `${/h=(\d\d)/.exec(item.blob)?.[1]}:${item.line}`;
    if ('error' in item) return `${at} ${item.error}`;
    const parsed = parseDiagnosticRecord(item.value, { cluster: 'prod' });
    return parsed.kind === 'event'
      ? `${at} ${(parsed.event['user'] as { username: string }).username}`
      : `${at} ${parsed.kind}`;
  });

test(
  'reads the records appended since the checkpoint, whole lines only, in hour order, ' + 'one cluster only',
  async (t) => {
    const url = await startAzurite(t);
    const service = new BlobServiceClient(url, new StorageSharedKeyCredential(ACCOUNT, KEY));
    const container = service.getContainerClient('insights-logs-kube-audit');
    await container.create();
    const hour = (h: string) => `${prefix}y=2026/m=12/d=04/h=${h}/m=00/PT1H.json`;
    const staging = clusterPrefix(RESOURCE.replace(/prod$/, 'staging'));
    await appendBlob(
      container,
      `${staging}y=2026/m=12/d=04/h=02/m=00/PT1H.json`,
      `${record('s', 'sam@contoso.com', 0)}\n`,
    );
    const third = record('c', 'carol@contoso.com', 3);
    await appendBlob(container, hour('03'), `${record('b', 'bob@contoso.com', 2)}\n`, third.slice(0, 100));
    await appendBlob(container, hour('02'), `${record('a', 'alice@contoso.com', 1)}\n`);

    // A byte budget stops before the next blob; that blob is read by the next call.
    const limited = await readNewRecords(container, { prefix, checkpoint: {}, maxBytes: 1 });
    assert.deepEqual(seen(limited.records), ['02:1 alice@contoso.com']);
    const rest = await readNewRecords(container, { prefix, checkpoint: limited.checkpoint });
    assert.deepEqual(seen(rest.records), ['03:1 bob@contoso.com']);

    const first = await readNewRecords(container, { prefix, checkpoint: {} });
    assert.deepEqual(seen(first.records), ['02:1 alice@contoso.com', '03:1 bob@contoso.com']);
    const state = join(tempDir(t), 'aks-export.json');
    saveJsonState(state, first.checkpoint);

    const other = JSON.stringify({
      ...JSON.parse(third),
      category: 'kube-apiserver',
      properties: { log: 'I1204 …' },
    });
    const fourth = record('d', '6f1c2a7e-0000-4000-8000-00000000000d', 4);
    const appended = `${third.slice(100)}\n${other}\nnot json\n${fourth}`;
    await appendBlob(container, hour('03'), appended);
    const checkpoint = loadJsonState(state, ExportCheckpoint, 'AKS export checkpoint') ?? {};
    const second = await readNewRecords(container, { prefix, checkpoint });
    assert.deepEqual(seen(second.records), [
      '03:2 carol@contoso.com',
      '03:3 skipped',
      `03:4 invalid JSON: Unexpected token 'o', "not json" is not valid JSON`,
      '03:5 6f1c2a7e-0000-4000-8000-00000000000d',
    ]);
    // Only the unread bytes travel: the cut line again, then what was appended.
    assert.equal(second.bytes, 100 + Buffer.byteLength(appended));

    const again = await readNewRecords(container, { prefix, checkpoint: second.checkpoint });
    assert.deepEqual([again.records.length, again.bytes], [0, 0]);
    assert.deepEqual(Object.keys(again.checkpoint), [hour('02'), hour('03')]);
  },
);
