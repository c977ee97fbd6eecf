// What a mirror asks the remote to do (pure): push every mirrored ref that differs from the
// remote's, never forced, and delete only archive refs (refs/archive/…) that are gone locally,
// that this mirror pushed, and that the remote still holds as pushed. Branches and tags are
// never deleted on a remote: retention removes archived periods, nothing else.
import type { Branch } from '../domain/change.ts';

/** `to: null` deletes the ref; `from` is the remote's value (null when it has none). */
export interface RefUpdate {
  readonly ref: string;
  readonly from: string | null;
  readonly to: string | null;
}

export type RefResult =
  | { readonly ref: string; readonly kind: 'pushed'; readonly to: string }
  | { readonly ref: string; readonly kind: 'deleted' }
  | { readonly ref: string; readonly kind: 'rejected'; readonly message: string };

const ARCHIVE = 'refs/archive/';

/** The configured branches, their archived periods, and every tag. */
export function isMirrored(ref: string, branches: readonly Branch[]): boolean {
  if (ref.startsWith('refs/tags/')) return true;
  return branches.some((branch) => ref === `refs/heads/${branch}` || ref.startsWith(`${ARCHIVE}${branch}/`));
}

export function mirroredRefs(refs: ReadonlyMap<string, string>, branches: readonly Branch[]): Map<string, string> {
  return new Map([...refs].filter(([ref]) => isMirrored(ref, branches)));
}

/** Branches first (their objects make the rest small), then archived periods, tags, deletions. */
function rank(ref: string): number {
  return ref.startsWith('refs/heads/') ? 0 : ref.startsWith(ARCHIVE) ? 1 : 2;
}

/** The updates that bring the remote level with `local` (both already limited to mirrored refs). */
export function planPush(
  local: ReadonlyMap<string, string>,
  remote: ReadonlyMap<string, string>,
  known: ReadonlyMap<string, string>,
): RefUpdate[] {
  const updates = [...local]
    .filter(([ref, sha]) => remote.get(ref) !== sha)
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : 1))
    .map(([ref, sha]) => ({ ref, from: remote.get(ref) ?? null, to: sha }));
  const deletions = [...known]
    .filter(([ref, sha]) => ref.startsWith(ARCHIVE) && !local.has(ref) && remote.get(ref) === sha)
    .map(([ref, sha]) => ({ ref, from: sha, to: null }));
  return [...updates, ...deletions];
}

/** The remote's refs once the accepted updates are applied. */
export function applyResults(remote: ReadonlyMap<string, string>, results: readonly RefResult[]): Map<string, string> {
  const after = new Map(remote);
  for (const result of results) {
    if (result.kind === 'pushed') after.set(result.ref, result.to);
    else if (result.kind === 'deleted') after.delete(result.ref);
  }
  return after;
}

/**
 * The archive refs this mirror knows it put on the remote: those the remote holds at the local
 * value, and those it still holds as they were known (pushed, then removed locally by retention).
 */
export function knownArchives(
  local: ReadonlyMap<string, string>,
  remote: ReadonlyMap<string, string>,
  previous: ReadonlyMap<string, string>,
): Map<string, string> {
  return new Map(
    [...remote].filter(
      ([ref, sha]) => ref.startsWith(ARCHIVE) && (local.get(ref) === sha || previous.get(ref) === sha),
    ),
  );
}

/** `main` for refs/heads/main, else the full ref name: how outcomes are shown. */
export function shortRef(ref: string): string {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}

/** A bounded label for metrics: the branch, `tags` or `archive`. */
export function refGroup(ref: string): string {
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  return ref.startsWith(ARCHIVE) ? 'archive' : 'tags';
}
