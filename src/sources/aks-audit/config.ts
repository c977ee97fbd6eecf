// Configuration of the AKS audit reader for one cluster (composed into gitrail.yaml's schema): the
// managed cluster whose diagnostic settings export `kube-audit[-admin]` to a storage account, that
// account and container, the credential (a connection string, an account key, a SAS token or SAS URL, all
// secret references, never the value; or an Entra ID sign-in) and the schedule.
import { z } from 'zod';
import { Duration } from '../../config/duration.ts';
import { SecretRef } from '../../config/secret-ref.ts';
import { MaxLag } from '../config-schemas.ts';
import { clusterOfResourceId } from './diagnostic-record.ts';

const NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,62}$/;

/** An Entra ID (Azure AD) sign-in: a service principal's client secret, a managed identity, or the default chain. */
export const AksAuth = z
  .object({
    tenantId: z.string().min(1).optional().describe('directory (tenant) id of the app registration'),
    clientId: z
      .string()
      .min(1)
      .optional()
      .describe('application (client) id; with managedIdentity or defaultCredential, a user-assigned identity'),
    clientSecret: SecretRef.optional().describe("the app registration's client secret ({env} or {file})"),
    managedIdentity: z
      .literal(true)
      .optional()
      .describe('sign in as the managed identity of the VM or node pool (clientId picks a user-assigned one)'),
    defaultCredential: z
      .literal(true)
      .optional()
      .describe('DefaultAzureCredential: workload identity, AZURE_* environment variables, managed identity, az login'),
    authorityHost: z
      .string()
      .url()
      .optional()
      .describe('Entra ID authority (default https://login.microsoftonline.com); instance discovery is then off'),
  })
  .strict()
  .superRefine((auth, ctx) => {
    const ways = [auth.clientSecret, auth.managedIdentity, auth.defaultCredential].filter((way) => way !== undefined);
    if (ways.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message:
          'set one way to sign in: clientSecret (with tenantId and clientId), managedIdentity or defaultCredential',
      });
    if (auth.clientSecret !== undefined && (auth.tenantId === undefined || auth.clientId === undefined))
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'clientSecret needs tenantId and clientId' });
    if (auth.managedIdentity !== undefined && auth.tenantId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['tenantId'], message: 'a managed identity has no tenantId to set' });
  })
  .describe('Entra ID sign-in; the identity needs the Storage Blob Data Reader role on the account or container');
export type AksAuth = z.infer<typeof AksAuth>;

/** The credentials of the storage account; exactly one is set. */
const CREDENTIALS = ['connectionString', 'accountKey', 'sasToken', 'sasUrl', 'auth'] as const;

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
          'windows.net (or an emulator URL ending in /<account>); not with connectionString or sasUrl',
      ),
    container: z
      .enum(['insights-logs-kube-audit', 'insights-logs-kube-audit-admin'])
      .default('insights-logs-kube-audit')
      .describe('container of the exported category: insights-logs-kube-audit (default) or …-kube-audit-admin'),
    connectionString: SecretRef.optional().describe("the storage account's connection string ({env} or {file})"),
    accountKey: SecretRef.optional().describe('an access key of the storage account ({env} or {file})'),
    sasToken: SecretRef.optional().describe(
      'a SAS token (account or container SAS) allowing read and list (sp=rl), used with accountUrl ({env} or {file})',
    ),
    sasUrl: SecretRef.optional().describe(
      "a SAS URL of the account or of the container, as the portal's `Generate SAS` gives it ({env} or {file})",
    ),
    auth: AksAuth.optional(),
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
    const set = CREDENTIALS.filter((key) => config[key] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['accountKey'],
        message:
          `set one credential: connectionString, accountKey, sasToken, sasUrl or auth` +
          (set.length > 1 ? ` (not ${set.join(' and ')})` : ''),
      });
    for (const key of ['accountKey', 'sasToken', 'auth'] as const)
      if (config[key] !== undefined && config.accountUrl === undefined)
        ctx.addIssue({ code: 'custom', path: ['accountUrl'], message: `accountUrl is needed with ${key}` });
    if (config.sasUrl !== undefined && config.accountUrl !== undefined)
      ctx.addIssue({ code: 'custom', path: ['accountUrl'], message: 'sasUrl names the account: leave accountUrl out' });
    if (config.auth !== undefined && config.accountUrl?.startsWith('https:') === false)
      ctx.addIssue({
        code: 'custom',
        path: ['accountUrl'],
        message: 'accountUrl must be https with auth (Entra ID tokens are only sent over TLS)',
      });
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
