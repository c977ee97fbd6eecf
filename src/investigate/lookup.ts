// Finds what `log`, `blame` and `show` work on: the one path a reference names (through the
// index's resource list) and the version of it at an instant or commit (through the index's
// per-path history), with errors that say what exists instead.
import type { Branch } from '../domain/change.ts';
import { NotFoundError } from '../domain/errors.ts';
import { authorLabel, type CommitRow } from '../domain/recorded-commit.ts';
import { branchOfPath } from '../normalise/paths.ts';
import type { DataSource } from './data-source.ts';
import { keyOfPath } from './resource-key.ts';
import { globLiteral, parseRef, resolveRef, type RefScope } from './resource-ref.ts';
import { endOfSecond, formatInstant, parseInstant } from './time-spec.ts';

export interface Resource {
  readonly path: string;
  readonly key: string;
  readonly branch: Branch;
}

export function findResource(source: DataSource, words: readonly string[], scope: RefScope): Resource {
  const exists = (path: string): boolean =>
    branchOfPath(path) === 'activity'
      ? source.queries.fileAt(path, Number.POSITIVE_INFINITY, 'activity') !== null
      : source.queries.findPaths(globLiteral(path), 1).length > 0;
  const path = resolveRef(parseRef(words, scope), (glob) => source.queries.findPaths(glob), exists);
  const branch = branchOfPath(path);
  return { path, key: branch === 'activity' ? path : keyOfPath(path), branch };
}

export interface Version {
  /** The commit to read or blame at. */
  readonly commit: string;
  /** The change that made this version, when known from the index (not for `--at <sha>`). */
  readonly change: CommitRow | null;
  /** The file's text, when finding the version already read it (`--at <sha>`). */
  readonly text: string | null;
}

function describeChange(
  commit: Pick<CommitRow, 'sha' | 'time' | 'author'> & Partial<Pick<CommitRow, 'trailers'>>,
): string {
  return `${formatInstant(commit.time)} by ${authorLabel(commit)} (${commit.sha.slice(0, 7)})`;
}

const SHA = /^[0-9a-f]{4,40}$/i;

/** The commit a `--at` names when it is a commit id, else null. */
async function commitOf(source: DataSource, text: string): Promise<string | null> {
  if (!SHA.test(text)) return null;
  const indexed = source.queries.getCommit(text.toLowerCase());
  if (indexed) return indexed.sha;
  return source.reader.resolve(text);
}

/**
 * The version of a resource now (`at` undefined), at an instant, or at a commit. A resource
 * that did not exist then, or was deleted, is NOT_FOUND saying when it existed. One indexed
 * lookup of the last change before the instant, not the whole history.
 */
export async function findVersion(
  source: DataSource,
  resource: Resource,
  at: string | undefined,
  now: number,
): Promise<Version> {
  const firstRecorded = (): string => {
    const first = source.queries.firstChange(resource.path, resource.branch);
    return first ? `first recorded ${describeChange(first)}` : 'never recorded';
  };
  if (at !== undefined) {
    const commit = await commitOf(source, at);
    if (commit !== null) {
      const text = await source.reader.readFile(commit, resource.path);
      if (text === null)
        throw new NotFoundError(`${resource.key} did not exist at commit ${commit.slice(0, 7)} (${firstRecorded()})`);
      return { commit, change: null, text };
    }
  }
  const time = at === undefined ? Number.POSITIVE_INFINITY : parseInstant(at, now, '--at');
  const when = at === undefined ? 'now' : `at ${formatInstant(time)}`;
  const last = source.queries.fileAt(resource.path, endOfSecond(time), resource.branch);
  const change = last ? source.queries.getCommit(last.sha) : null;
  if (!last || !change) throw new NotFoundError(`${resource.key} did not exist ${when}: ${firstRecorded()}`);
  if (last.blob === null) {
    throw new NotFoundError(
      `${resource.key} did not exist ${when}: deleted ${describeChange(change)}; use --at with an earlier time ` +
        `or commit`,
    );
  }
  return { commit: change.sha, change, text: null };
}
