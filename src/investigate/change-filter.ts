// Which changes a `changes` query keeps: path globs, author glob, and a scope over the
// sources (--cluster/-n for Kubernetes, --account/--region for AWS; given together they add
// up, so one timeline can hold a cluster and an account). Activity events are scoped by their
// `Cluster:`/`Account:`/`Region:` trailers. Pure.
import picomatch from 'picomatch';
import type { CommitRow } from '../domain/recorded-commit.ts';
import { escapeSegment } from '../normalise/paths.ts';
import { parsePath, scopeFolder } from './resource-key.ts';

export interface ChangeFilterOptions {
  readonly paths?: readonly string[];
  readonly author?: string | undefined;
  readonly cluster?: string | undefined;
  readonly namespace?: string | undefined;
  readonly account?: string | undefined;
  readonly region?: string | undefined;
  /** The person a commit's author is (the repository's mailmap): `--author` matches either. */
  readonly people?: ((author: CommitRow['author']) => CommitRow['author']) | undefined;
}

export interface ChangeFilter {
  /** A folder every kept change on `main` lies under, for the index to narrow by; '' when none. */
  readonly prefix: string;
  /** A plain author text the index can match itself (a substring of name or email); '' when none. */
  readonly author: string;
  accepts(commit: CommitRow, path: string): boolean;
}

const GLOB_CHARS = /[*?[\]{}()!+@]/;

function pathMatcher(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => true;
  const tests = globs.map((glob) => {
    if (GLOB_CHARS.test(glob)) return picomatch(glob, { dot: true });
    const folder = glob.endsWith('/') ? glob : `${glob}/`;
    return (path: string) => path === glob || path.startsWith(folder);
  });
  return (path) => tests.some((test) => test(path));
}

/** A glob matches the whole name or email, case-insensitively, `*` crossing `/`; plain text is a substring. */
function authorMatcher(pattern: string | undefined): (author: CommitRow['author']) => boolean {
  if (pattern === undefined || pattern === '') return () => true;
  if (GLOB_CHARS.test(pattern)) {
    const test = picomatch(pattern, { nocase: true, dot: true, bash: true });
    return (author) => test(author.name) || test(author.email);
  }
  const needle = pattern.toLowerCase();
  return (author) => author.name.toLowerCase().includes(needle) || author.email.toLowerCase().includes(needle);
}

/** The namespace an activity subject names: `<verb> <resource> <namespace>/<name>`. */
function activityNamespace(subject: string): string | null {
  const object = subject.split(' ')[2];
  return object !== undefined && object.includes('/') ? (object.split('/')[0] as string) : null;
}

function scopeMatcher(options: ChangeFilterOptions): (commit: CommitRow, path: string) => boolean {
  const wantsKubernetes = options.cluster !== undefined || options.namespace !== undefined;
  const wantsAws = options.account !== undefined || options.region !== undefined;
  if (!wantsKubernetes && !wantsAws) return () => true;
  const same = (wanted: string | undefined, actual: string | null | undefined, escaped: boolean) =>
    wanted === undefined || actual === (escaped ? escapeSegment(wanted) : wanted);
  return (commit, path) => {
    if (commit.branch === 'activity') {
      const trailers = commit.trailers;
      if (wantsKubernetes && trailers['Cluster'] !== undefined) {
        return (
          same(options.cluster, trailers['Cluster'], false) &&
          same(options.namespace, activityNamespace(commit.subject), false)
        );
      }
      return (
        wantsAws &&
        trailers['Account'] !== undefined &&
        same(options.account, trailers['Account'], false) &&
        same(options.region, trailers['Region'], false)
      );
    }
    const parsed = parsePath(path);
    if (parsed.family === 'kubernetes')
      return (
        wantsKubernetes &&
        same(options.cluster, parsed.cluster, true) &&
        same(options.namespace, parsed.namespace, true)
      );
    if (parsed.family === 'aws')
      return wantsAws && same(options.account, parsed.account, true) && same(options.region, parsed.region, true);
    return false;
  };
}

function narrowestPrefix(options: ChangeFilterOptions): string {
  if ([options.cluster, options.namespace, options.account, options.region].some((value) => value !== undefined))
    return scopeFolder(options);
  const globs = options.paths ?? [];
  if (globs.length === 1) {
    const base = picomatch.scan(globs[0] as string).base;
    return GLOB_CHARS.test(globs[0] as string) ? (base === '' ? '' : `${base}/`) : (globs[0] as string);
  }
  return '';
}

export function createChangeFilter(options: ChangeFilterOptions): ChangeFilter {
  const paths = pathMatcher(options.paths ?? []);
  const matches = authorMatcher(options.author);
  const { people } = options;
  const author = people ? (who: CommitRow['author']) => matches(who) || matches(people(who)) : matches;
  const scope = scopeMatcher(options);
  // With a mailmap, a person's other author e-mails match too: the index cannot narrow by the text.
  const plain = options.author !== undefined && !GLOB_CHARS.test(options.author) && !people;
  return {
    prefix: narrowestPrefix(options),
    author: plain ? (options.author as string) : '',
    accepts: (commit, path) => author(commit.author) && scope(commit, path) && paths(path),
  };
}
