// Resource keys: the short, reversible names the investigator prints and accepts for
// repository paths. `prod:payments/deployment/web`, `prod:clusterrole/admin`,
// `aws:111122223333:iam/Role/deploy`, `aws:111122223333:eu-west-1:s3/Bucket/assets`,
// `custom:events/feature-flags/checkout`, `gcp:shop:global:storage/buckets/assets`. Segments stay
// percent-escaped as in the path. Each family's grammar (normalise/path-grammars) spells its keys.
import { escapeSegment } from '../normalise/paths.ts';
import { PATH_GRAMMARS, type ParsedPath, parsePath } from '../normalise/path-grammars/index.ts';

export { type ParsedPath, parsePath } from '../normalise/path-grammars/index.ts';

/** The key of a repository path; paths outside the known layout are their own key. */
export function keyOfPath(path: string): string {
  const parsed: ParsedPath = parsePath(path);
  if (parsed.family === 'other') return parsed.path;
  const grammar = PATH_GRAMMARS.find((candidate) => candidate.family === parsed.family);
  return (grammar?.key as ((parts: ParsedPath) => string) | undefined)?.(parsed) ?? path;
}

/** Whether a typed reference looks like a key (`<scope>:<something>/…`) rather than a kubectl type/name. */
export function looksLikeKey(text: string): boolean {
  const colon = text.indexOf(':');
  const slash = text.indexOf('/');
  return colon > 0 && slash > colon;
}

/** The repository path a key names, or null when the text is not a well-formed key. */
export function pathOfKey(key: string): string | null {
  if (!looksLikeKey(key)) return null;
  for (const grammar of PATH_GRAMMARS) {
    const path = grammar.pathOfKey(key);
    if (path !== undefined) return path;
  }
  return null;
}

/** Where to look: a Kubernetes cluster and namespace, an AWS account and region (as typed, unescaped). */
export interface RefScope {
  readonly namespace?: string | undefined;
  readonly cluster?: string | undefined;
  readonly account?: string | undefined;
  readonly region?: string | undefined;
}

/**
 * The narrowest folder holding everything in a scope: `kubernetes/<cluster>/` with
 * `namespaces/<namespace>/`, `aws/<account>/` with `<region>/`; `kubernetes/` for a namespace
 * of any cluster, `aws/` for a region of any account, '' for no scope or one of both families.
 */
export function scopeFolder(scope: RefScope): string {
  const kubernetes = scope.cluster !== undefined || scope.namespace !== undefined;
  const aws = scope.account !== undefined || scope.region !== undefined;
  if (kubernetes === aws) return '';
  if (kubernetes) {
    if (scope.cluster === undefined) return 'kubernetes/';
    const cluster = `kubernetes/${escapeSegment(scope.cluster, 'cluster')}/`;
    return scope.namespace === undefined
      ? cluster
      : `${cluster}namespaces/${escapeSegment(scope.namespace, 'namespace')}/`;
  }
  if (scope.account === undefined) return 'aws/';
  const account = `aws/${escapeSegment(scope.account, 'account')}/`;
  return scope.region === undefined ? account : `${account}${escapeSegment(scope.region, 'region')}/`;
}
