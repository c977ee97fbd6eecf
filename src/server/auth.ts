// Bearer tokens: reading them from the Authorization header, comparing them with the accepted
// ones, and the check for the intake routes. Tokens are compared as digests with
// timingSafeEqual, against every accepted token, so neither the length nor the position of a
// mismatch leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
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

export function requireBearerToken(tokens: readonly string[], route: string): MiddlewareHandler {
  const accepted = tokens.map(digest);
  return async (c, next) => {
    const token = parseBearer(c.req.header('authorization'));
    if (token === null) throw new UnauthorizedError(`${route} needs a bearer token (Authorization: Bearer <token>)`);
    if (matchDigest(accepted, digest(token)) === -1)
      throw new UnauthorizedError(`the bearer token is not accepted by ${route}`);
    await next();
  };
}
