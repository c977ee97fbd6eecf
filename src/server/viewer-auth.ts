// Who may read the viewer and the API: a bearer token (the config or GITRAIL_VIEW_TOKEN), the
// session cookie the login form sets, or a trusted reverse proxy's user header when configured.
// Tokens are compared as HMAC digests in constant time; sessions are signed with a key derived
// from the token, so rotating a token ends its sessions and a restart keeps them.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MIN_TOKEN_LENGTH } from '../config/intake-tokens.ts';
import { resolveSecret } from '../config/secret-ref.ts';
import { hasViewerAuth, VIEW_TOKEN_ENV } from '../config/viewer-token.ts';
import { ConfigError } from '../domain/errors.ts';
import { matchDigest } from './auth.ts';
import type { ViewerConfig } from '../config/viewer.ts';

export const SESSION_COOKIE = 'gitrail_session';

export interface ViewerIdentity {
  readonly user: string;
  readonly via: 'token' | 'session' | 'proxy';
}

interface KnownToken {
  readonly name: string;
  readonly digest: Buffer;
  readonly sessionKey: Buffer;
}

/** What a request presents; the routes read it from headers and cookies. */
export interface Credentials {
  readonly bearer?: string | undefined;
  readonly session?: string | undefined;
  readonly proxyUser?: string | undefined;
  /** The peer's address, when the server knows it. */
  readonly peer?: string | undefined;
}

export type AuthResult =
  | { readonly ok: true; readonly identity: ViewerIdentity }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid' };

function digest(value: string): Buffer {
  return createHmac('sha256', 'gitrail viewer token').update(value).digest();
}

function sign(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class ViewerAuth {
  readonly #tokens: readonly KnownToken[];
  readonly #digests: readonly Buffer[];
  readonly #proxy: ViewerConfig['trustedProxy'];
  readonly #sessionMs: number;

  private constructor(tokens: readonly KnownToken[], config: ViewerConfig) {
    this.#tokens = tokens;
    this.#digests = tokens.map((token) => token.digest);
    this.#proxy = config.trustedProxy;
    this.#sessionMs = config.sessionHours * 3_600_000;
  }

  /** Resolves the configured tokens; refuses a viewer that nobody could or everybody would read. */
  static fromConfig(config: ViewerConfig, env: NodeJS.ProcessEnv): ViewerAuth {
    const named: Array<{ name: string; value: string; where: string }> = config.tokens.map((token, i) => ({
      name: token.name,
      value: resolveSecret(token.secret, `viewer.tokens[${i}].secret`, env),
      where: `viewer.tokens[${i}].secret`,
    }));
    const fromEnv = env[VIEW_TOKEN_ENV];
    if (fromEnv) named.push({ name: 'viewer', value: fromEnv, where: VIEW_TOKEN_ENV });
    const problems = named
      .filter((token) => token.value.length < MIN_TOKEN_LENGTH)
      .map((token) => `${token.where}: a viewer token must be at least ${MIN_TOKEN_LENGTH} characters long`);
    if (!hasViewerAuth(config, env))
      problems.push(
        `viewer: set ${VIEW_TOKEN_ENV}, viewer.tokens or viewer.trustedProxy; the viewer never serves anonymous ` +
          `readers`,
      );
    if (problems.length > 0) throw new ConfigError(problems);
    const tokens = named.map((token) => ({
      name: token.name,
      digest: digest(token.value),
      sessionKey: createHmac('sha256', token.value).update('gitrail viewer session v1').digest(),
    }));
    return new ViewerAuth(tokens, config);
  }

  get sessionMs(): number {
    return this.#sessionMs;
  }

  /** The known token `value` is, or null. Every known token is compared, in constant time. */
  #match(value: string): KnownToken | null {
    return this.#tokens[matchDigest(this.#digests, digest(value))] ?? null;
  }

  /** The holder of a token, or null. */
  checkToken(value: string): string | null {
    return this.#match(value)?.name ?? null;
  }

  /** A session cookie value for whoever logged in with `token` (checked first), valid until now + sessionHours. */
  issueSession(tokenValue: string, now: number): string | null {
    const token = this.#match(tokenValue);
    if (!token) return null;
    const payload = `${Buffer.from(token.name).toString('base64url')}.${now + this.#sessionMs}`;
    return `${payload}.${sign(token.sessionKey, payload)}`;
  }

  /** The user a session cookie names, or null when it is forged, expired or its token was rotated. */
  checkSession(value: string, now: number): string | null {
    const [name64, expires, mac] = value.split('.');
    if (!name64 || !expires || !mac || !/^\d+$/.test(expires) || Number(expires) <= now) return null;
    const name = Buffer.from(name64, 'base64url').toString('utf8');
    const payload = `${name64}.${expires}`;
    return this.#tokens.some((token) => token.name === name && safeEqual(sign(token.sessionKey, payload), mac))
      ? name
      : null;
  }

  /** The header a trusted proxy names the user in, when one is configured. */
  get proxyHeader(): string | null {
    return this.#proxy?.header ?? null;
  }

  /**
   * Decides who is asking. A bearer token, when sent, decides alone; then the session cookie;
   * then the proxy header, only when configured and (if addresses are set) from the proxy.
   */
  authenticate(credentials: Credentials, now: number): AuthResult {
    if (credentials.bearer !== undefined) {
      const user = this.checkToken(credentials.bearer);
      return user === null ? { ok: false, reason: 'invalid' } : { ok: true, identity: { user, via: 'token' } };
    }
    if (credentials.session) {
      const user = this.checkSession(credentials.session, now);
      if (user !== null) return { ok: true, identity: { user, via: 'session' } };
    }
    const proxyUser = credentials.proxyUser?.trim();
    if (this.#proxy && proxyUser && proxyUser.length <= 200 && !/[\x00-\x1f\x7f]/.test(proxyUser)) {
      const addresses = this.#proxy.addresses;
      const peer = credentials.peer ? normaliseAddress(credentials.peer) : null;
      if (peer !== null && addresses.map(normaliseAddress).includes(peer))
        return { ok: true, identity: { user: proxyUser, via: 'proxy' } };
    }
    return { ok: false, reason: credentials.session ? 'invalid' : 'missing' };
  }
}
