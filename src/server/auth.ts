// Bearer-token check for the intake routes. Tokens are compared as SHA-256 digests with
// timingSafeEqual, against every accepted token, so neither the length nor the position of
// a mismatch leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { UnauthorizedError } from './errors.ts';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function requireBearerToken(tokens: readonly string[], route: string): MiddlewareHandler {
  const accepted = tokens.map(digest);
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedError(`${route} needs a bearer token (Authorization: Bearer <token>)`);
    const given = digest(match[1] as string);
    let matched = false;
    for (const token of accepted) matched = timingSafeEqual(token, given) || matched;
    if (!matched) throw new UnauthorizedError(`the bearer token is not accepted by ${route}`);
    await next();
  };
}
