// What a user types to name one resource → the repository path it means. Accepted:
// a repository path, a resource key (resource-key.ts), kubectl's `TYPE/NAME` or `TYPE NAME`
// with -n/--cluster, `aws SERVICE TYPE ID` with --account/--region, `gcp SERVICE TYPE NAME` and
// `custom SOURCE PATH`.
// Pure: candidate paths come from a lookup the caller provides (the index's resource list).
import { InvalidInputError, NotFoundError } from '../domain/errors.ts';
import { PATH_GRAMMARS } from '../normalise/path-grammars/index.ts';
import { customPath, escapeSegment, fileName } from '../normalise/paths.ts';
import { keyOfPath, looksLikeKey, parsePath, pathOfKey, type RefScope } from './resource-key.ts';
import { lookupType } from '../normalise/path-grammars/kubernetes-types.ts';

export type { RefScope } from './resource-key.ts';

/** A reference, parsed: one exact path, or a pattern to look up among the recorded resources. */
export type ParsedRef =
  | { readonly kind: 'path'; readonly path: string; readonly text: string }
  | {
      readonly kind: 'pattern';
      readonly patterns: readonly string[];
      readonly test: (path: string) => boolean;
      readonly text: string;
      /** The words and the scope options given: to say which option left a resource out. */
      readonly scoped?: { readonly words: readonly string[]; readonly scope: RefScope };
    };

/** Recorded resource paths matching a SQLite GLOB pattern (`*` may cross `/`; callers re-check). */
export type FindPaths = (glob: string) => readonly string[];

/** A word starting with one of these is a repository path: every path family's root, and `activity/`. */
const ROOTS = [...PATH_GRAMMARS.map((grammar) => `${grammar.family}/`), 'activity/'];

/** Escapes SQLite GLOB metacharacters (`*`, `?`, `[`) so a text matches only itself. */
export function globLiteral(text: string): string {
  return text.replace(/[[*?]/g, (char) => `[${char}]`);
}

function segment(value: string | undefined, what: string): string {
  return value === undefined ? '*' : globLiteral(escapeSegment(value, what));
}

function usage(text: string): InvalidInputError {
  return new InvalidInputError(
    `cannot read resource reference '${text}': expected TYPE/NAME or TYPE NAME (e.g. deployment/web -n default), ` +
      `aws SERVICE TYPE ID (e.g. aws iam role app), gcp SERVICE TYPE NAME (e.g. gcp storage buckets assets), ` +
      `custom SOURCE PATH, a resource key or a repository path`,
  );
}

function kubernetesRef(typed: string, name: string, scope: RefScope, text: string): ParsedRef {
  if (name === '') throw usage(text);
  const lookup = lookupType(typed);
  const file = globLiteral(fileName(name));
  const cluster = segment(scope.cluster, 'cluster');
  const group = lookup.known ? lookup.type.group : lookup.group === null ? '*' : globLiteral(lookup.group);
  const resource = globLiteral(lookup.known ? lookup.type.resource : lookup.resource);
  const namespace = segment(scope.namespace, 'namespace');
  const namespaced = `kubernetes/${cluster}/namespaces/${namespace}/${group}/${resource}/${file}`;
  const clusterScoped = `kubernetes/${cluster}/cluster/${group}/${resource}/${file}`;
  // Like kubectl, -n is ignored for cluster-scoped types; unknown types may be either.
  const patterns = !lookup.known
    ? scope.namespace === undefined
      ? [namespaced, clusterScoped]
      : [namespaced]
    : lookup.type.namespaced
      ? [namespaced]
      : [clusterScoped];
  const test = (path: string): boolean => {
    const parsed = parsePath(path);
    if (parsed.family !== 'kubernetes' || parsed.file !== fileName(name).replace(/\.yaml$/, '')) return false;
    if (scope.cluster !== undefined && parsed.cluster !== escapeSegment(scope.cluster)) return false;
    if (lookup.known) {
      if (parsed.group !== lookup.type.group || parsed.resource !== lookup.type.resource) return false;
      return lookup.type.namespaced
        ? scope.namespace === undefined || parsed.namespace === escapeSegment(scope.namespace)
        : parsed.namespace === null;
    }
    if (parsed.resource !== lookup.resource || (lookup.group !== null && parsed.group !== lookup.group)) return false;
    return scope.namespace === undefined || parsed.namespace === escapeSegment(scope.namespace);
  };
  return { kind: 'pattern', patterns, test, text };
}

/** `role`, `Role`, `roles` all name the `Role` folder; `policies` names `Policy`. */
function awsTypeMatches(typed: string, folder: string): boolean {
  const [t, f] = [typed.toLowerCase(), folder.toLowerCase()];
  return t === f || t === `${f}s` || t === `${f}es` || (f.endsWith('y') && t === `${f.slice(0, -1)}ies`);
}

function awsRef(service: string, type: string, id: string, scope: RefScope, text: string): ParsedRef {
  const file = fileName(id, 'resource id');
  const folder = `aws/${segment(scope.account, 'account')}/${segment(scope.region, 'region')}`;
  const pattern = `${folder}/${globLiteral(escapeSegment(service.toLowerCase(), 'service'))}/*/${globLiteral(file)}`;
  const test = (path: string): boolean => {
    const parsed = parsePath(path);
    if (parsed.family !== 'aws' || `${parsed.file}.yaml` !== file) return false;
    if (parsed.service.toLowerCase() !== service.toLowerCase()) return false;
    if (!awsTypeMatches(type, parsed.type)) return false;
    if (scope.account !== undefined && parsed.account !== escapeSegment(scope.account)) return false;
    return scope.region === undefined || parsed.region === escapeSegment(scope.region);
  };
  return { kind: 'pattern', patterns: [pattern], test, text };
}

/** `gcp SERVICE TYPE NAME`: the resource of that collection and name in any project and location. */
function gcpRef(service: string, type: string, name: string, text: string): ParsedRef {
  const file = fileName(name, 'resource name');
  const pattern = `gcp/*/*/${globLiteral(escapeSegment(service, 'service'))}/*${globLiteral(file)}`;
  const test = (path: string): boolean => {
    const parsed = parsePath(path);
    if (parsed.family !== 'gcp' || `${parsed.resource.at(-1)}.yaml` !== file) return false;
    return parsed.service === escapeSegment(service) && parsed.resource.at(-2) === escapeSegment(type);
  };
  return { kind: 'pattern', patterns: [pattern], test, text };
}

/** Parses the positional words of a reference with the scope options. */
export function parseRef(words: readonly string[], scope: RefScope = {}): ParsedRef {
  const ref = parseWords(words, scope);
  const scoped = Object.values(scope).some((value) => value !== undefined);
  return ref.kind === 'pattern' && scoped ? { ...ref, scoped: { words, scope } } : ref;
}

function parseWords(words: readonly string[], scope: RefScope): ParsedRef {
  const text = words.join(' ');
  if (words.length === 0)
    throw new InvalidInputError(
      'no resource named: give TYPE/NAME, aws SERVICE TYPE ID, a resource key or a repository path',
    );
  const [first, ...rest] = words as [string, ...string[]];
  if (rest.length === 0 && ROOTS.some((root) => first.startsWith(root))) {
    return { kind: 'path', path: first.endsWith('.yaml') ? first : `${first}.yaml`, text };
  }
  if (rest.length === 0 && looksLikeKey(first)) {
    const path = pathOfKey(first);
    if (!path) throw usage(text);
    return { kind: 'path', path, text };
  }
  if (first.toLowerCase() === 'aws') {
    if (rest.length !== 3) throw usage(text);
    const [service, type, id] = rest as [string, string, string];
    return awsRef(service, type, id, scope, text);
  }
  if (first.toLowerCase() === 'gcp') {
    if (rest.length !== 3) throw usage(text);
    const [service, type, name] = rest as [string, string, string];
    return gcpRef(service, type, name, text);
  }
  if (first.toLowerCase() === 'custom') {
    if (rest.length !== 2) throw usage(text);
    return { kind: 'path', path: customPath(rest[0] as string, rest[1] as string), text };
  }
  if (rest.length === 0) {
    const slash = first.indexOf('/');
    if (slash <= 0 || first.indexOf('/', slash + 1) !== -1) throw usage(text);
    return kubernetesRef(first.slice(0, slash), first.slice(slash + 1), scope, text);
  }
  if (rest.length === 1) return kubernetesRef(first, rest[0] as string, scope, text);
  throw usage(text);
}

function matches(ref: Extract<ParsedRef, { kind: 'pattern' }>, findPaths: FindPaths): string[] {
  return [...new Set(ref.patterns.flatMap((pattern) => findPaths(pattern)))].filter(ref.test).sort();
}

const SCOPE_OPTIONS = [
  ['cluster', '--cluster'],
  ['namespace', '-n'],
  ['account', '--account'],
  ['region', '--region'],
] as const;

/** The scope options that, each on its own, leave `path` out: `--cluster prod`, `-n shop`. */
function excludedBy(path: string, words: readonly string[], scope: RefScope): string[] {
  return SCOPE_OPTIONS.flatMap(([key, option]) => {
    const value = scope[key];
    if (value === undefined) return [];
    const alone = parseWords(words, { [key]: value });
    return alone.kind === 'pattern' && !alone.test(path) ? [`${option} ${value}`] : [];
  });
}

/** Why nothing matches: the resources the scope options left out, each with the option that did. */
function noMatch(ref: Extract<ParsedRef, { kind: 'pattern' }>, findPaths: FindPaths): string {
  const text = `no recorded resource matches ${ref.text}`;
  if (!ref.scoped) return text;
  const { words, scope } = ref.scoped;
  const wider = parseWords(words, {});
  const others = wider.kind === 'pattern' ? matches(wider, findPaths) : [];
  const given = SCOPE_OPTIONS.flatMap(([key, option]) => (scope[key] === undefined ? [] : [`${option} ${scope[key]}`]));
  if (others.length === 0) return `${text} (nor does it without ${given.join(' ')})`;
  const shown = others
    .slice(0, 10)
    .map((path) => `  ${keyOfPath(path)}  left out by ${excludedBy(path, words, scope).join(' and ')}`);
  const more = others.length > shown.length ? [`  … and ${others.length - shown.length} more`] : [];
  return [`${text} with ${given.join(' ')}; recorded elsewhere:`, ...shown, ...more].join('\n');
}

/**
 * The one recorded path a reference names. No match is NOT_FOUND; several (the same name in
 * two clusters or namespaces) is an error listing every candidate by key.
 */
export function resolveRef(ref: ParsedRef, findPaths: FindPaths, exists: (path: string) => boolean): string {
  if (ref.kind === 'path') {
    if (!exists(ref.path))
      throw new NotFoundError(`no recorded resource ${ref.text}${ref.text === ref.path ? '' : ` (${ref.path})`}`);
    return ref.path;
  }
  const candidates = matches(ref, findPaths);
  if (candidates.length === 0) throw new NotFoundError(noMatch(ref, findPaths));
  if (candidates.length > 1) {
    const list = candidates.map((path) => `  ${keyOfPath(path)}`).join('\n');
    throw new InvalidInputError(
      `${ref.text} is ambiguous, ${candidates.length} resources match:\n${list}\nname one with --cluster, ` +
        `-n/--namespace, --account or --region, or by its key`,
    );
  }
  return candidates[0] as string;
}
