// Token scopes: what an intake token may write. `kubernetes:<cluster>`, `cloudtrail:<account>`,
// `events:<source>`, `<kind>:*` for every name of a kind, or `*` for everything (the operator's own
// GITRAIL_INGEST_TOKEN and installation token, and a route's own tokens within that route).

export type ScopeKind = 'kubernetes' | 'cloudtrail' | 'events';

export const SCOPE_PATTERN =
  /^(\*|(kubernetes|events):(\*|[A-Za-z0-9][A-Za-z0-9._-]{0,62})|cloudtrail:(\*|[0-9]{12}))$/;

/** True when `scopes` let a token write `name` of `kind`. */
export function scopeAllows(scopes: readonly string[], kind: ScopeKind, name: string): boolean {
  return scopes.some((scope) => scope === '*' || scope === `${kind}:*` || scope === `${kind}:${name}`);
}

/** True when `scopes` let a token write anything of `kind` (it is then accepted on that kind's routes). */
export function scopeReaches(scopes: readonly string[], kind: ScopeKind): boolean {
  return scopes.some((scope) => scope === '*' || scope.startsWith(`${kind}:`));
}

/** A bearer token with what it may write. */
export interface Grant {
  readonly token: string;
  readonly scopes: readonly string[];
}
