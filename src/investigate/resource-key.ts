// Resource keys: the short, reversible names the investigator prints and accepts for
// repository paths. `prod:payments/deployment/web`, `prod:clusterrole/admin`,
// `aws:111122223333:iam/Role/deploy`, `aws:111122223333:eu-west-1:s3/Bucket/assets`,
// `custom:events/feature-flags/checkout`. Segments stay percent-escaped as in the path.
import { escapeSegment } from '../normalise/paths.ts';
import { typeFromWord, typeWord } from './resource-kinds.ts';

const YAML = /\.yaml$/;

export type ParsedPath =
  | {
      readonly family: 'kubernetes';
      readonly cluster: string;
      readonly namespace: string | null;
      readonly group: string;
      readonly resource: string;
      readonly file: string;
    }
  | {
      readonly family: 'aws';
      readonly account: string;
      readonly region: string;
      readonly service: string;
      readonly type: string;
      readonly file: string;
    }
  | { readonly family: 'custom'; readonly source: string; readonly rest: readonly string[] }
  | { readonly family: 'other'; readonly path: string };

/** Splits a repository path into its parts (DESIGN §3); anything else is `other`. */
export function parsePath(path: string): ParsedPath {
  const parts = path.split('/');
  if (parts[0] === 'kubernetes' && YAML.test(path)) {
    if (parts.length === 6 && parts[2] === 'cluster') {
      const [, cluster, , group, resource, file] = parts as [string, string, string, string, string, string];
      return { family: 'kubernetes', cluster, namespace: null, group, resource, file: file.replace(YAML, '') };
    }
    if (parts.length === 7 && parts[2] === 'namespaces') {
      const [, cluster, , namespace, group, resource, file] = parts as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      return { family: 'kubernetes', cluster, namespace, group, resource, file: file.replace(YAML, '') };
    }
  }
  if (parts[0] === 'aws' && parts.length === 6 && YAML.test(path)) {
    const [, account, region, service, type, file] = parts as [string, string, string, string, string, string];
    return { family: 'aws', account, region, service, type, file: file.replace(YAML, '') };
  }
  if (parts[0] === 'custom' && parts.length >= 3 && YAML.test(path)) {
    return {
      family: 'custom',
      source: parts[1] as string,
      rest: [...parts.slice(2, -1), (parts.at(-1) as string).replace(YAML, '')],
    };
  }
  return { family: 'other', path };
}

/** The key of a repository path; paths outside the known layout are their own key. */
export function keyOfPath(path: string): string {
  const parsed = parsePath(path);
  switch (parsed.family) {
    case 'kubernetes': {
      const type = typeWord(parsed.group, parsed.resource);
      return `${parsed.cluster}:${parsed.namespace === null ? '' : `${parsed.namespace}/`}${type}/${parsed.file}`;
    }
    case 'aws': {
      const region = parsed.region === 'global' ? '' : `${parsed.region}:`;
      return `aws:${parsed.account}:${region}${parsed.service}/${parsed.type}/${parsed.file}`;
    }
    case 'custom':
      return `custom:${parsed.source}/${parsed.rest.join('/')}`;
    case 'other':
      return parsed.path;
  }
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
  if (key.startsWith('aws:')) {
    const rest = key.slice(4);
    const colon = rest.indexOf(':');
    if (colon <= 0) return null;
    const account = rest.slice(0, colon);
    let tail = rest.slice(colon + 1);
    const slash = tail.indexOf('/');
    const head = tail.slice(0, slash);
    let region = 'global';
    if (head.includes(':')) {
      region = head.slice(0, head.indexOf(':'));
      tail = tail.slice(region.length + 1);
    }
    const parts = tail.split('/');
    if (parts.length !== 3 || parts.some((part) => part === '')) return null;
    return `aws/${account}/${region}/${parts.join('/')}.yaml`;
  }
  if (key.startsWith('custom:')) {
    const parts = key.slice(7).split('/');
    if (parts.length < 2 || parts.some((part) => part === '')) return null;
    return `custom/${parts.join('/')}.yaml`;
  }
  const colon = key.indexOf(':');
  const cluster = key.slice(0, colon);
  const parts = key.slice(colon + 1).split('/');
  if (parts.some((part) => part === '')) return null;
  if (parts.length === 2 || parts.length === 3) {
    const [namespace, word, name] = parts.length === 3 ? parts : [null, ...parts];
    const type = typeFromWord(word as string);
    if (!type) return null;
    const scope = namespace === null ? 'cluster' : `namespaces/${namespace}`;
    return `kubernetes/${cluster}/${scope}/${type.group}/${type.resource}/${name}.yaml`;
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
