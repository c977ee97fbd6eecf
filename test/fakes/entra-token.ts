// A fake Microsoft Entra ID (Azure AD) authority on 127.0.0.1 over HTTPS, speaking what
// @azure/identity's credentials (through MSAL) ask of the real one: the tenant's OpenID metadata
// (`GET /<tenant>/v2.0/.well-known/openid-configuration`), its signing keys, and the OAuth2
// client-credentials grant (`POST /<tenant>/oauth2/v2.0/token`, form-encoded grant_type, client_id,
// client_secret or, for workload identity, a federated client_assertion, and scope), answered with
// `{token_type:'Bearer', expires_in, ext_expires_in, access_token}` or with Entra's error body (`error`,
// `error_description` with its AADSTS code, `error_codes`). The access token is an RS256 JWT with the
// claims a storage account checks: aud https://storage.azure.com, iss https://sts.windows.net/<tenant>/,
// iat, nbf, exp, and the app's appid, oid and tid. startFakeImds adds the managed identity endpoint of
// the Instance Metadata Service, issuing tokens this authority signs.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface FakeEntraOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The service account token a workload identity presents (`client_assertion`), if any is trusted. */
  readonly federatedToken?: string;
  /** PEM files of the server certificate (the test trusts it). */
  readonly tls: { readonly cert: string; readonly key: string };
  /** The tokens' `aud` (default https://storage.azure.com): another one makes a token storage refuses. */
  readonly audience?: string;
  /** Lifetime of issued tokens in seconds (default 3599, as Entra). */
  readonly expiresIn?: number;
}

export interface FakeEntra {
  /** The authority host: https://127.0.0.1:<port>. */
  readonly url: string;
  /** Every token request's form fields, oldest first. */
  readonly tokenRequests: Record<string, string>[];
  /** Every access token issued. */
  readonly issued: string[];
  /** A token for `appId` as this authority signs them (for a fake managed identity endpoint). */
  mint(appId: string, expiresIn: number): Promise<string>;
  close(): Promise<void>;
}

const STORAGE_SCOPE = 'https://storage.azure.com/.default';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Entra's error body: `error`, `error_description` starting with the AADSTS code, and the numeric codes. */
function entraError(res: ServerResponse, status: number, error: string, code: number, text: string): void {
  send(res, status, {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}

export async function startFakeEntra(options: FakeEntraOptions): Promise<FakeEntra> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  const tokenRequests: Record<string, string>[] = [];
  const issued: string[] = [];
  const appObjectId = randomUUID();
  let base = '';
  const mint = async (appId: string, expiresIn: number) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      appid: appId,
      appidacr: '1',
      idp: `https://sts.windows.net/${options.tenantId}/`,
      oid: appObjectId,
      sub: appObjectId,
      tid: options.tenantId,
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setAudience(options.audience ?? 'https://storage.azure.com')
      .setIssuer(`https://sts.windows.net/${options.tenantId}/`)
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(now + expiresIn)
      .sign(privateKey);
  };

  const server = createServer(
    { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) },
    async (req, res) => {
      const url = new URL(req.url ?? '/', base);
      const [tenant, ...rest] = url.pathname.split('/').filter(Boolean);
      const route = `${req.method} /${rest.join('/')}`;
      if (tenant !== options.tenantId)
        return entraError(res, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
      const authority = `${base}/${tenant}`;
      if (route === 'GET /v2.0/.well-known/openid-configuration')
        return send(res, 200, {
          token_endpoint: `${authority}/oauth2/v2.0/token`,
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          jwks_uri: `${authority}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          issuer: `${authority}/v2.0`,
          authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
          device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
          tenant_region_scope: 'EU',
        });
      if (route === 'GET /discovery/v2.0/keys') return send(res, 200, { keys: [jwk] });
      if (route !== 'POST /oauth2/v2.0/token') return send(res, 404, { error: 'not_found' });
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      tokenRequests.push(form);
      if (form['grant_type'] !== 'client_credentials')
        return entraError(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      if (form['client_id'] !== options.clientId)
        return entraError(
          res,
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${form['client_id']}' was not found in the directory '${tenant}'.`,
        );
      const assertion = form['client_assertion'];
      if (assertion !== undefined) {
        if (form['client_assertion_type'] !== JWT_BEARER)
          return entraError(
            res,
            400,
            'invalid_request',
            90014,
            "The required field 'client_assertion_type' is missing.",
          );
        if (options.federatedToken === undefined || assertion !== options.federatedToken)
          return entraError(res, 400, 'invalid_client', 700213, 'No matching federated identity record found.');
      } else if (form['client_secret'] !== options.clientSecret)
        return entraError(res, 401, 'invalid_client', 7000215, 'Invalid client secret provided.');
      if (form['scope'] !== STORAGE_SCOPE)
        return entraError(res, 400, 'invalid_scope', 70011, `The provided value for scope is not valid.`);
      const expiresIn = options.expiresIn ?? 3599;
      const token = await mint(options.clientId, expiresIn);
      issued.push(token);
      return send(res, 200, {
        token_type: 'Bearer',
        expires_in: expiresIn,
        ext_expires_in: expiresIn,
        access_token: token,
      });
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    tokenRequests,
    issued,
    mint: async (appId, expiresIn) => {
      const token = await mint(appId, expiresIn);
      issued.push(token);
      return token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FakeImds {
  /** What AZURE_POD_IDENTITY_AUTHORITY_HOST names: http://127.0.0.1:<port>. */
  readonly url: string;
  /** Every token request's query, oldest first. */
  readonly requests: Record<string, string>[];
  close(): Promise<void>;
}

/**
 * A fake Azure Instance Metadata Service token endpoint (plain HTTP, as IMDS): `GET /metadata/identity/oauth2/token
 * ?api-version=2018-02-01&resource=<resource>[&client_id=<user-assigned>]` with `Metadata: true`, answered as IMDS
 * does (numbers as strings), with a token `entra` signs. The managed identity's client id is `systemClientId` unless
 * a user-assigned one is asked for.
 */
export async function startFakeImds(entra: FakeEntra, systemClientId: string): Promise<FakeImds> {
  const requests: Record<string, string>[] = [];
  const server = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    requests.push(query);
    // MSAL asks for the path with a trailing slash; IMDS takes both.
    if (req.method !== 'GET' || !/^\/metadata\/identity\/oauth2\/token\/?$/.test(url.pathname))
      return send(res, 404, { error: 'not_found' });
    if (req.headers['metadata'] !== 'true')
      return send(res, 400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
    if (query['resource'] !== 'https://storage.azure.com')
      return send(res, 400, { error: 'invalid_resource', error_description: 'AADSTS500011: resource not found.' });
    const clientId = query['client_id'] ?? systemClientId;
    const now = Math.floor(Date.now() / 1000);
    return send(res, 200, {
      access_token: await entra.mint(clientId, 86_399),
      client_id: clientId,
      expires_in: '86399',
      expires_on: String(now + 86_399),
      ext_expires_in: '86399',
      not_before: String(now - 300),
      resource: query['resource'],
      token_type: 'Bearer',
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
