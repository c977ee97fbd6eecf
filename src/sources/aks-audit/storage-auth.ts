// How the AKS audit reader signs in to the storage account, and what it says when the account refuses:
// a connection string, an account key, a SAS token (with accountUrl) or SAS URL, or an Entra ID identity
// (client secret, managed identity, or DefaultAzureCredential) through @azure/identity. Secrets are read
// from their references here and handed to the SDK only; no reason built here contains a secret (a SAS's
// expiry and permissions are named, never its signature).
import { createHash } from 'node:crypto';
import { BlobServiceClient, type ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import { resolveSecret } from '../../config/secret-ref.ts';
import { ConfigError } from '../../domain/errors.ts';
import { errorText } from '../runtime/health.ts';
import { type AksAuth, type AksAuditConfig, accountName } from './config.ts';
import { ExportReadError } from './storage-export.ts';

export type CredentialKind = 'key' | 'sas' | 'entra';

export interface StorageConnection {
  readonly container: ContainerClient;
  readonly kind: CredentialKind;
  /** The SAS's parameters without its signature (`se`, `sp`, `srt`, …), to explain a refusal. */
  readonly sas?: URLSearchParams;
  /** SHA-256 of the secret it was made with: a rotated secret (a new file content) makes a new connection. */
  readonly fingerprint: string;
}

const RETRY = { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 2000, tryTimeoutInMs: 60_000 };

/** The SAS parameters of a token or URL query, `sig` dropped; an error naming `where` when there is no signature. */
function sasParams(query: string, where: string): URLSearchParams {
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  if (!params.get('sig')) throw new ConfigError([`${where}: not a SAS (no sig= parameter)`]);
  params.delete('sig');
  return params;
}

/** The account URL and the container a SAS URL names, if any (an emulator's path starts with the account). */
function splitSasUrl(value: string, where: string): { account: string; container?: string; query: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError([`${where}: not a URL`]);
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const azureHost = /^[a-z0-9]{3,24}\.blob\./.test(url.hostname);
  const accountPath = azureHost ? '' : `/${segments.shift() ?? ''}`;
  const container = segments[0];
  return {
    account: `${url.origin}${accountPath}`,
    query: url.search,
    ...(container === undefined ? {} : { container: decodeURIComponent(container) }),
  };
}

async function entraCredential(auth: AksAuth, secret: string): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  const authority = auth.authorityHost === undefined ? {} : { authorityHost: auth.authorityHost };
  // Instance discovery asks login.microsoftonline.com about the authority: not for another authority host.
  const discovery = auth.authorityHost === undefined ? {} : { disableInstanceDiscovery: true };
  if (auth.clientSecret !== undefined) {
    return new identity.ClientSecretCredential(auth.tenantId as string, auth.clientId as string, secret, {
      ...authority,
      ...discovery,
    });
  }
  if (auth.managedIdentity)
    return auth.clientId === undefined
      ? new identity.ManagedIdentityCredential()
      : new identity.ManagedIdentityCredential({ clientId: auth.clientId });
  return new identity.DefaultAzureCredential({
    ...authority,
    ...discovery,
    ...(auth.tenantId === undefined ? {} : { tenantId: auth.tenantId }),
    ...(auth.clientId === undefined
      ? {}
      : { managedIdentityClientId: auth.clientId, workloadIdentityClientId: auth.clientId }),
  });
}

const SECRET_KEYS = ['connectionString', 'accountKey', 'sasToken', 'sasUrl'] as const;

/** The configured credential's secret, read from its reference now; '' for an identity that has none. */
function credentialSecret(config: AksAuditConfig, where: string, env?: NodeJS.ProcessEnv): string {
  for (const key of SECRET_KEYS) {
    const ref = config[key];
    if (ref !== undefined) return resolveSecret(ref, `${where}: ${key}`, env).trim();
  }
  const ref = config.auth?.clientSecret;
  return ref === undefined ? '' : resolveSecret(ref, `${where}: auth.clientSecret`, env);
}

/**
 * The container client for the configured credential; `where` (`aksAudit <cluster>`) names the source in errors.
 * The secret is read again on each call: `previous` is kept while the secret is unchanged.
 */
export async function connectStorage(
  config: AksAuditConfig,
  where: string,
  env?: NodeJS.ProcessEnv,
  previous?: StorageConnection,
): Promise<StorageConnection> {
  const secret = credentialSecret(config, where, env);
  const fingerprint = createHash('sha256').update(secret).digest('hex');
  if (previous?.fingerprint === fingerprint) return previous;
  const options = { retryOptions: RETRY };
  const accountUrl = config.accountUrl as string;
  const made = (service: BlobServiceClient, kind: CredentialKind, sas?: URLSearchParams): StorageConnection => ({
    container: service.getContainerClient(config.container),
    kind,
    fingerprint,
    ...(sas === undefined ? {} : { sas }),
  });
  if (config.connectionString !== undefined) {
    const service = BlobServiceClient.fromConnectionString(secret, options);
    const sas = /(?:^|;)\s*SharedAccessSignature=([^;]+)/i.exec(secret)?.[1];
    return sas === undefined
      ? made(service, 'key')
      : made(service, 'sas', sasParams(sas, `${where}: connectionString`));
  }
  if (config.accountKey !== undefined) {
    const credential = new StorageSharedKeyCredential(accountName(accountUrl), secret);
    return made(new BlobServiceClient(accountUrl, credential, options), 'key');
  }
  if (config.sasToken !== undefined) {
    const token = secret.replace(/^\?/, '');
    const sas = sasParams(token, `${where}: sasToken`);
    return made(new BlobServiceClient(`${accountUrl.replace(/\/+$/, '')}?${token}`, undefined, options), 'sas', sas);
  }
  if (config.sasUrl !== undefined) {
    const named = `${where}: sasUrl`;
    const url = splitSasUrl(secret, named);
    const sas = sasParams(url.query, named);
    if (url.container !== undefined && url.container !== config.container)
      throw new ConfigError([
        `${named}: the SAS URL names container ${url.container}, but container is ${config.container}` +
          ` (set container: ${url.container})`,
      ]);
    return made(new BlobServiceClient(`${url.account}${url.query}`, undefined, options), 'sas', sas);
  }
  const credential = await entraCredential(config.auth as AksAuth, secret);
  return made(new BlobServiceClient(accountUrl, credential, options), 'entra');
}

const ACTION = { list: 'listing', read: 'reading' } as const;

/** Why a SAS was refused, from its own parameters and the error code; undefined when they do not say. */
function sasReason(code: string, operation: 'list' | 'read', sas: URLSearchParams, now: number): string | undefined {
  const expiry = sas.get('se');
  if (expiry !== null && Date.parse(expiry) < now) return `the SAS token expired at ${expiry}`;
  const start = sas.get('st');
  if (start !== null && Date.parse(start) > now) return `the SAS token is not valid before ${start}`;
  if (code === 'AuthorizationPermissionMismatch') return `the SAS token does not allow ${ACTION[operation]} blobs`;
  if (code === 'AuthorizationResourceTypeMismatch')
    return `the account SAS does not cover ${operation === 'list' ? 'containers (srt=c)' : 'objects (srt=o)'}`;
  if (code === 'AuthorizationServiceMismatch') return 'the account SAS does not cover the blob service (ss=b)';
  if (code === 'AuthorizationSourceIPMismatch') return 'the SAS token does not allow requests from this address';
  return undefined;
}

/**
 * The reason a poll failed, for the status and the log: `aksAudit <cluster>: <reason> (<status> <code>)` for a
 * refusal by the account, `… Entra ID sign-in failed: …` when no token was had, the configuration error as is.
 */
const IDENTITY_ERRORS = new Set([
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
]);

/** Entra's answer names the reason as `AADSTS<code>: <sentence>.` among timestamps and trace ids. */
function signInReason(first: string): string {
  const aadsts = /AADSTS\d+: [^.]*\./.exec(first)?.[0];
  const oauth = /^([a-z_]+):/.exec(first)?.[1];
  if (aadsts === undefined) return first;
  return oauth === undefined ? aadsts : `${aadsts} (${oauth})`;
}

/** What a storage account's refusal means for this credential; undefined when its own text says it best. */
function refusalReason(
  status: number,
  code: string,
  detail: string | undefined,
  connection: StorageConnection | undefined,
  operation: 'list' | 'read',
  now: number,
): string | undefined {
  const kind = connection?.kind;
  if (status === 404 && code === 'ContainerNotFound')
    return `container ${connection?.container.containerName} does not exist (is the diagnostic setting writing here?)`;
  if (status === 403 && kind === 'sas' && connection?.sas !== undefined) {
    const reason = sasReason(code, operation, connection.sas, now);
    if (reason !== undefined || detail === undefined) return reason;
    return /^Signature did not match/.test(detail)
      ? 'the SAS token was refused: its signature does not match'
      : `the SAS token was refused: ${detail}`;
  }
  if (status === 403 && kind === 'entra' && code === 'AuthorizationPermissionMismatch')
    return `the identity may not ${operation === 'list' ? 'list' : 'read'} blobs: grant it Storage Blob Data Reader`;
  if ((status === 401 || status === 403) && kind === 'entra' && detail !== undefined)
    return `the storage account refused the Entra ID token: ${detail}`;
  return undefined;
}

/**
 * The reason a poll failed, for the status and the log: `aksAudit <cluster>: <reason> (<status> <code>)` for a
 * refusal by the account, `… Entra ID sign-in failed: …` when no token was had, the configuration error as is.
 */
export function explainFailure(
  error: unknown,
  where: string,
  connection?: StorageConnection,
  now = Date.now(),
): string {
  // No reason built here holds a SAS; a text from a library might quote a URL: its signature is cut.
  return explain(error, where, connection, now).replace(/\bsig=[^&\s;]+/gi, 'sig=…');
}

function explain(error: unknown, where: string, connection: StorageConnection | undefined, now: number): string {
  if (error instanceof ConfigError) return errorText(error);
  const operation = error instanceof ExportReadError ? error.operation : 'list';
  const cause = error instanceof ExportReadError ? error.cause : error;
  // Azure errors end with RequestId and Time lines, identity errors with troubleshooting links: the first line says it.
  const first = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]?.trim() ?? '';
  if (cause instanceof Error && IDENTITY_ERRORS.has(cause.name))
    return `${where}: Entra ID sign-in failed: ${signInReason(first)}`;
  const status = (cause as { statusCode?: unknown }).statusCode;
  const code = (cause as { code?: unknown }).code;
  if (typeof status !== 'number') return `${where}: ${errorText(cause).split('\n')[0]}`;
  const codeText = typeof code === 'string' ? code : '';
  // Azure adds why a credential was refused (AuthenticationErrorDetail); a SAS's string-to-sign starts on line 2.
  const details = (cause as { details?: { authenticationErrorDetail?: unknown } }).details;
  const detail =
    typeof details?.authenticationErrorDetail === 'string'
      ? details.authenticationErrorDetail.split('\n')[0]?.trim()
      : undefined;
  const reason =
    refusalReason(status, codeText, detail, connection, operation, now) ??
    (detail === undefined ? first || 'request failed' : `${first} ${detail}`);
  return `${where}: ${reason} (${status}${codeText === '' ? '' : ` ${codeText}`})`;
}
