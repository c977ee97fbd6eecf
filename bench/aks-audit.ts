// Benchmark of the AKS audit reader (issue 13), runnable on its own: `node bench/aks-audit.ts`.
// A first poll of BENCH_AKS_RECORDS (default 20k) kube-audit records in the current hour's PT1H.json
// append blob in azurite (the Azure Storage emulator, a child process on 127.0.0.1), 10% ConfigMap
// updates and 90% reads (as a cluster's kube-audit category is): records per second, then the time of
// a poll that finds 1,000 records appended.
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { createRedactor } from '../src/normalise/redact.ts';
import { AksAuditConfig } from '../src/sources/aks-audit/config.ts';
import { AksAuditPollSource } from '../src/sources/aks-audit/poll-source.ts';
import { hourBlob } from '../test/helpers/aks-fixtures.ts';
import { ACCOUNT, KEY, startAzurite } from '../test/helpers/azurite.ts';
import { openTemporaryBench, timeFirstPoll, timePoll } from './source-bench.ts';

const RECORDS = Number(process.env['BENCH_AKS_RECORDS'] ?? 20_000);
const RESOURCE = '/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/bench';

function record(i: number, time: number): string {
  const at = new Date(time).toISOString();
  const write = i % 10 === 0;
  const name = `cm-${i % 500}`;
  const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop', uid: `uid-${name}` } };
  const event = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `bench-${i}`,
    stage: 'ResponseComplete',
    verb: write ? 'update' : 'get',
    user: { username: 'alice@contoso.com' },
    objectRef: { resource: 'configmaps', namespace: 'shop', name, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    ...(write ? { requestObject: { ...object, data: { n: String(i) } } } : {}),
    responseObject: write ? { ...object, data: { n: String(i) } } : object,
    requestReceivedTimestamp: at,
    stageTimestamp: at,
  };
  return JSON.stringify({
    time: at,
    resourceId: RESOURCE.toUpperCase(),
    category: 'kube-audit',
    properties: { log: `${JSON.stringify(event)}\n`, stream: 'stdout', pod: 'kube-apiserver-0' },
  });
}

const stops: Array<() => Promise<void>> = [];
const url = await startAzurite({ after: (fn) => stops.push(fn) });
const container = new BlobServiceClient(url, new StorageSharedKeyCredential(ACCOUNT, KEY)).getContainerClient(
  'insights-logs-kube-audit',
);
await container.create();
const blob = container.getAppendBlobClient(hourBlob(0, RESOURCE));
await blob.create();
const append = async (from: number, to: number) => {
  const lines: string[] = [];
  for (let i = from; i < to; i += 1) lines.push(`${record(i, Date.now() - 60_000 + i)}\n`);
  // Append blocks are at most 4 MiB.
  for (let at = 0; at < lines.length; at += 1000) {
    const block = lines.slice(at, at + 1000).join('');
    await blob.appendBlock(block, Buffer.byteLength(block));
  }
};
await append(0, RECORDS);

// The ledger flushes every 2000 changes and when the poller waits for its commits (no drainer).
const bench = await openTemporaryBench('gitrail-bench-aks-', { flushEvery: 2000, drainer: false });
const config = AksAuditConfig.parse({
  resourceId: RESOURCE,
  accountUrl: url,
  accountKey: { env: 'K' },
  pollInterval: '1h',
});
const source = new AksAuditPollSource(config, { redact: createRedactor(Buffer.alloc(32, 5)), env: { K: KEY } });
const { seconds, stop: stopSource } = await timeFirstPoll(bench, source);
console.log(
  `first poll: ${RECORDS} records (${RECORDS / 10} writes) in ${seconds.toFixed(1)} s: ` +
    `${Math.round(RECORDS / seconds)} records/s, ${bench.commits()} commits`,
);
await append(RECORDS, RECORDS + 1000);
console.log(`a poll finding 1000 appended records: ${(await timePoll(source)).toFixed(2)} s`);
await stopSource();
await bench.close();
for (const stop of stops) await stop();
