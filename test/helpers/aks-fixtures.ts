// Shared pieces for tests of the AKS audit reader: kube-audit diagnostic records as AKS writes them,
// the hourly PT1H.json append blobs Azure Monitor appends to, and azurite with the export container.
import type { TestContext } from 'node:test';
import { BlobServiceClient, type ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { clusterPrefix } from '../../src/sources/aks-audit/storage-export.ts';
import { ACCOUNT, type AzuriteOptions, KEY, startAzurite } from './azurite.ts';

export const RESOURCE =
  '/subscriptions/0/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/prod';
export const CONTAINER = 'insights-logs-kube-audit';

/** The blob of the hour `hoursAgo` before now, where Azure Monitor appends. */
export function hourBlob(hoursAgo = 0, resourceId = RESOURCE): string {
  const at = new Date(Date.now() - hoursAgo * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `y=${at.getUTCFullYear()}/m=${two(at.getUTCMonth() + 1)}/d=${two(at.getUTCDate())}`;
  const path = `${day}/h=${two(at.getUTCHours())}`;
  return `${clusterPrefix(resourceId)}${path}/m=00/PT1H.json`;
}

let clock = Date.now() - 10 * 60_000;
/** One kube-audit record line: `user` updates ConfigMap `id` (with its state in the response). */
export function line(id: string, user = 'alice@contoso.com', resourceId = RESOURCE): string {
  clock += 1000;
  const time = new Date(clock).toISOString();
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: id, namespace: 'shop', uid: `uid-${id}`, resourceVersion: String(clock) },
    data: { key: id },
  };
  const event = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `audit-${id}`,
    stage: 'ResponseComplete',
    verb: 'update',
    user: { username: user, groups: ['system:authenticated'] },
    objectRef: { resource: 'configmaps', namespace: 'shop', name: id, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestObject: configMap,
    responseObject: configMap,
    requestReceivedTimestamp: time,
    stageTimestamp: time,
  };
  return JSON.stringify({
    time,
    resourceId: resourceId.toUpperCase(),
    category: 'kube-audit',
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log: `${JSON.stringify(event)}\n`, stream: 'stdout', pod: 'kube-apiserver-6d8f7b9c5-x2k4p' },
  });
}

export async function append(container: ContainerClient, name: string, text: string): Promise<void> {
  const blob = container.getAppendBlobClient(name);
  await blob.createIfNotExists();
  await blob.appendBlock(text, Buffer.byteLength(text));
}

/** Azurite with the export container created (with the account key, as Azure Monitor writes). */
export async function startExport(
  t: TestContext,
  options: AzuriteOptions = {},
): Promise<{ url: string; container: ContainerClient }> {
  const url = await startAzurite(t, options);
  const service = new BlobServiceClient(url, new StorageSharedKeyCredential(ACCOUNT, KEY));
  const container = service.getContainerClient(CONTAINER);
  await container.create();
  return { url, container };
}
