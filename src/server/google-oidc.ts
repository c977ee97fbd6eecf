// The OIDC token Pub/Sub puts in a push request's `Authorization: Bearer` header: a JWT signed by
// Google, for the subscription's audience, naming the push service account. Verified with jose
// against the configured key set (fetched once, refreshed when an unknown key id appears).
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { parseBearer } from './auth.ts';
import { ForbiddenError, UnauthorizedError, UpstreamUnavailableError } from './errors.ts';

export interface OidcSettings {
  readonly audience: string;
  readonly jwksUrl: string;
  readonly issuers: readonly string[];
  /** Accepted `email` claims; empty accepts any verified one. */
  readonly serviceAccounts: readonly string[];
}

/** Resolves with the token's service account e-mail; throws 401, 403 or 503 (key set unreachable). */
export type OidcVerifier = (authorization: string | undefined) => Promise<string>;

export function googleOidcVerifier(settings: OidcSettings, route: string): OidcVerifier {
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  return async (authorization) => {
    const token = parseBearer(authorization);
    if (token === null)
      throw new UnauthorizedError(`${route} needs the push subscription's OIDC token (Authorization: Bearer <jwt>)`);
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: [...settings.issuers],
        audience: settings.audience,
        algorithms: ['RS256'],
      }));
    } catch (error) {
      if (
        !(error instanceof errors.JOSEError) ||
        error instanceof errors.JWKSTimeout ||
        error instanceof errors.JWKSInvalid ||
        error.code === 'ERR_JOSE_GENERIC' // the key set answered other than 200
      )
        throw new UpstreamUnavailableError(`the token-signing keys at ${settings.jwksUrl} cannot be read now`, {
          cause: error,
        });
      throw new UnauthorizedError(`the OIDC token is not accepted by ${route}: ${describe(error)}`);
    }
    const email = claims['email'];
    if (typeof email !== 'string' || claims['email_verified'] !== true)
      throw new UnauthorizedError(`the OIDC token of ${route} names no verified service account e-mail`);
    if (settings.serviceAccounts.length > 0 && !settings.serviceAccounts.includes(email))
      throw new ForbiddenError(`service account ${email} is not listed in intake.gkePubSub.serviceAccounts`);
    return email;
  };
}

/** jose's reason, without the token or its claims' values. */
function describe(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `its ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'it is not signed by a key of the key set';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  return `it is malformed (${error.code})`;
}
