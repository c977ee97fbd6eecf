// Bearer tokens: reading them from the Authorization header, comparing them with the accepted
// ones, and the check for the intake routes. Tokens are compared as digests with
// timingSafeEqual, against every accepted token, so neither the length nor the position of a
// mismatch leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Grant } from '../config/scopes.ts';
import { UnauthorizedError } from './errors.ts';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The token of an `Authorization: Bearer <token>` header; null when there is none or the header is something else. */
export function parseBearer(header: string | undefined): string | null {
  return header === undefined ? null : (/^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] ?? null);
}

/** The index of `presented` among the `known` digests, or -1; compares with every one, in constant time. */
export function matchDigest(known: readonly Buffer[], presented: Buffer): number {
  let found = -1;
  known.forEach((candidate, index) => {
    if (timingSafeEqual(candidate, presented) && found === -1) found = index;
  });
  return found;
}

/**
 * Finds the grant whose token is the one presented, comparing digests against every grant's (the
 * digests are made once, here, not per request); null when none matches.
 */
export function grantMatcher(grants: readonly Grant[]): (presented: string) => Grant | null {
  const accepted = grants.map((grant) => digest(grant.token));
  return (presented) => {
    const found = matchDigest(accepted, digest(presented));
    return found === -1 ? null : (grants[found] as Grant);
  };
}

/** Accepts a request whose bearer token is one of `grants` and sets the context's `scopes` to that token's. */
export function requireBearerToken<E extends { Variables: { scopes: readonly string[] } }>(
  grants: readonly Grant[],
  route: string,
): MiddlewareHandler<E> {
  const match = grantMatcher(grants);
  return async (c, next) => {
    const token = parseBearer(c.req.header('authorization'));
    if (token === null) throw new UnauthorizedError(`${route} needs a bearer token (Authorization: Bearer <token>)`);
    const grant = match(token);
    if (!grant) throw new UnauthorizedError(`the bearer token is not accepted by ${route}`);
    (c as unknown as { set(key: 'scopes', value: readonly string[]): void }).set('scopes', grant.scopes);
    await next();
  };
}
