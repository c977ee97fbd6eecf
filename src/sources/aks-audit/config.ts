// Configuration of the AKS audit reader for one cluster (composed into gitrail.yaml's schema): the
// managed cluster whose diagnostic settings export `kube-audit[-admin]` to a storage account, that
// account and container, the credential (a secret reference, never the value), and the schedule.
import { z } from 'zod';
import { Duration } from '../../config/duration.ts';
import { SecretRef } from '../../config/secret-ref.ts';
import { MaxLag } from '../config-schemas.ts';
import { clusterOfResourceId } from './diagnostic-record.ts';

const NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,62}$/;

export const AksAuditConfig = z
  .object({
    cluster: z
      .string()
      .regex(NAME, 'not a cluster name (letters, digits, - and _)')
      .optional()
      .describe(
        'cluster name used in paths (`kubernetes/<cluster>/…`) and the `Cluster:` trailer; default the managed ' +
          "cluster's name (lower case). Give a watched cluster the same name to combine both",
      ),
    resourceId: z
      .string()
      .refine((id) => /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\//i.test(id) && clusterOfResourceId(id), {
        message:
          'not an AKS resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/' +
          'Microsoft.ContainerService/managedClusters/<name>)',
      })
      .optional()
      .describe('resource id of the managed cluster (`az aks show --query id`); or subscription, resourceGroup, name'),
    subscription: z.string().min(1).optional().describe('subscription id of the managed cluster'),
    resourceGroup: z.string().min(1).optional().describe('resource group of the managed cluster'),
    name: z.string().min(1).optional().describe('name of the managed cluster'),
    accountUrl: z
      .string()
      .url()
      .optional()
      .describe(
        'blob endpoint of the storage account the diagnostic setting writes to: https://<account>.blob.core.' +
          'windows.net (or an emulator URL ending in /<account>); not needed with a connection string',
      ),
    container: z
      .enum(['insights-logs-kube-audit', 'insights-logs-kube-audit-admin'])
      .default('insights-logs-kube-audit')
      .describe('container of the exported category: insights-logs-kube-audit (default) or …-kube-audit-admin'),
    connectionString: SecretRef.optional().describe("the storage account's connection string ({env} or {file})"),
    accountKey: SecretRef.optional().describe('an access key of the storage account ({env} or {file})'),
    pollInterval: Duration.refine((ms) => ms >= 1000, { message: 'pollInterval must be at least 1s' })
      .default(60_000)
      .describe('time between the end of one poll and the start of the next (default 1m)'),
    maxAge: Duration.refine((ms) => ms > 0, { message: 'maxAge must be positive' })
      .default(3_600_000)
      .describe('hourly blobs older than this are not read by the first poll (default 1h)'),
    maxBytesPerRead: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024)
      .describe('a poll takes no further blob once it downloaded this many bytes (default 64 MiB); the next goes on'),
    maxLag: MaxLag.describe('the source reports `lagging` when its last complete poll ended longer ago than this'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const parts = [config.subscription, config.resourceGroup, config.name];
    if (config.resourceId === undefined && parts.some((part) => part === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['resourceId'],
        message: 'set resourceId of the managed cluster, or subscription, resourceGroup and name',
      });
    if (config.resourceId !== undefined && parts.some((part) => part !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['resourceId'],
        message: 'set resourceId or subscription, resourceGroup and name, not both',
      });
    if ((config.connectionString === undefined) === (config.accountKey === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['accountKey'],
        message: 'set one credential: connectionString or accountKey (a secret reference: {env} or {file})',
      });
    if (config.accountKey !== undefined && config.accountUrl === undefined)
      ctx.addIssue({ code: 'custom', path: ['accountUrl'], message: 'accountUrl is needed with accountKey' });
  })
  .describe(
    'an AKS cluster whose audit log is read from the storage account its diagnostic settings write to (issue 13)',
  );
export type AksAuditConfig = z.infer<typeof AksAuditConfig>;
export type AksAuditConfigInput = z.input<typeof AksAuditConfig>;

/** The cluster named in paths and the managed cluster's resource id; the schema guarantees both. */
export function aksTarget(config: AksAuditConfig): { readonly cluster: string; readonly resourceId: string } {
  const resourceId =
    config.resourceId ??
    `/subscriptions/${config.subscription}/resourceGroups/${config.resourceGroup}/providers/` +
      `Microsoft.ContainerService/managedClusters/${config.name}`;
  const cluster = config.cluster ?? (clusterOfResourceId(resourceId) as string).toLowerCase();
  return { cluster, resourceId };
}

/** The storage account's name: the first label of an Azure host, or the first path segment of an emulator URL. */
export function accountName(accountUrl: string): string {
  const url = new URL(accountUrl);
  const host = /^([a-z0-9]{3,24})\.blob\./.exec(url.hostname)?.[1];
  return host ?? url.pathname.split('/').filter(Boolean)[0] ?? url.hostname;
}
