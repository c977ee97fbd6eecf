// What a mirror witnesses besides the branches (issue 11): the signed checkpoint tags, their
// RFC 3161 time-stamps and the archived activity periods, pushed with the git CLI and never
// forced: a ref the remote holds with another object is reported, not overwritten. The only
// deletions are the ones the record explains, made after every creation succeeded: an archived
// period that a signed checkpoint says retention removed, and the remote's `activity` once a new
// period started, when its head is kept as an archived period or was removed by retention. The
// same holds for each retention rule's line, `activity-<rule>`, and its archived periods.
import { ARCHIVES, isArchived, removedPeriods } from '../ledger/closed-periods.ts';
import { periodKeyOfRef, ruleOfLineRef } from '../ledger/periods.ts';
import { remoteEnv, remoteLines, runGit } from './git-remote.ts';

const PROOF_PREFIXES = ['refs/tags/checkpoints/', 'refs/tags/timestamps/', 'refs/archive/'] as const;
const LINES = ['refs/heads/activity', 'refs/heads/activity-*'] as const;

/** `refs/heads/activity` or a retention rule's `refs/heads/activity-<rule>`. */
const isLine = (ref: string) => ref === 'refs/heads/activity' || ruleOfLineRef(ref) !== null;

export type ProofOutcome =
  | { readonly kind: 'pushed'; readonly created: number; readonly deleted: number; readonly snapshot: string }
  | { readonly kind: 'up-to-date'; readonly snapshot: string }
  | { readonly kind: 'rejected'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

export interface ProofRequest {
  readonly gitdir: string;
  readonly url: string;
  readonly username: string;
  readonly token: string | null;
  readonly signal?: AbortSignal;
  /** The local proof refs the last successful push left the remote with: unchanged, the remote is not asked. */
  readonly pushed?: string | null;
}

const isProof = (ref: string) =>
  ref.startsWith(ARCHIVES) ? periodKeyOfRef(ref) !== null : PROOF_PREFIXES.some((prefix) => ref.startsWith(prefix));

function parseRefs(text: string, separator: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [oid, ref] = line.split(separator);
    if (oid && ref && (isProof(ref) || isLine(ref))) refs.set(ref, oid);
  }
  return refs;
}

function failure(request: ProofRequest, stderr: string, code: number | null): ProofOutcome {
  const fatal = stderr
    .split('\n')
    .filter((line) => line.startsWith('fatal: ') || line.startsWith('error: '))
    .join(' ')
    .replaceAll(request.url, '<url>');
  return { kind: 'failed', message: fatal || `git exited with ${code}` };
}

/** Runs one `git push --porcelain` of `refspecs`; the refs the remote refused, with its reasons. */
async function push(request: ProofRequest, refspecs: readonly string[]): Promise<ProofOutcome | null> {
  if (refspecs.length === 0) return null;
  const run = await runGit(
    ['--git-dir', request.gitdir, 'push', '--porcelain', request.url, ...refspecs],
    remoteEnv(request),
    request.signal,
  );
  const refused = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('!\t'))
    .map((line) => {
      const [, spec = '', summary = ''] = line.split('\t');
      return `${spec.split(':').at(-1)}: ${/\((.*)\)$/.exec(summary)?.[1] ?? summary}`;
    });
  if (refused.length > 0) return { kind: 'rejected', message: [...refused, ...remoteLines(run.stderr)].join('; ') };
  return run.code === 0 ? null : failure(request, run.stderr, run.code);
}

/** Pushes the checkpoint tags, time-stamps and archived periods the remote lacks. */
export async function pushProof(request: ProofRequest): Promise<ProofOutcome> {
  const env = { ...process.env, LC_ALL: 'C' };
  const local = parseRefs(
    (
      await runGit(
        ['--git-dir', request.gitdir, 'for-each-ref', '--format=%(objectname) %(refname)', ...PROOF_PREFIXES, ...LINES],
        env,
      )
    ).stdout,
    ' ',
  );
  const snapshot = [...local]
    .filter(([ref]) => !isLine(ref))
    .map(([ref, oid]) => `${ref} ${oid}`)
    .join('\n');
  // Nothing to witness yet (no checkpoint, so no removal either), or nothing new since the last push.
  if (snapshot === '' || snapshot === request.pushed) return { kind: 'up-to-date', snapshot };
  const listed = await runGit(['--git-dir', request.gitdir, 'ls-remote', '--refs', request.url], remoteEnv(request));
  if (listed.code !== 0) return failure(request, listed.stderr, listed.code);
  const remote = parseRefs(listed.stdout, '\t');
  const conflicts: string[] = [];
  const create: string[] = [];
  for (const [ref, oid] of local) {
    if (isLine(ref)) continue;
    const theirs = remote.get(ref);
    if (theirs === undefined) create.push(`${ref}:${ref}`);
    else if (theirs !== oid)
      conflicts.push(`${ref}: the remote holds ${theirs}, this repository ${oid}; never overwritten`);
  }
  if (conflicts.length > 0) return { kind: 'rejected', message: conflicts.join('; ') };
  const created = await push(request, create);
  if (created) return created;

  const removed = await removedPeriods(request.gitdir);
  const removedHeads = new Set([...removed].map((entry) => entry.split(' ')[1]));
  const remove: string[] = [];
  for (const [ref, oid] of remote)
    if (ref.startsWith(ARCHIVES) && !local.has(ref) && removed.has(`${periodKeyOfRef(ref)} ${oid}`))
      remove.push(`:${ref}`);
  // A new period began with a root commit: the remote's line cannot fast-forward to it.
  for (const [ref, ours] of local) {
    const theirs = remote.get(ref);
    if (
      isLine(ref) &&
      theirs !== undefined &&
      theirs !== ours &&
      (removedHeads.has(theirs) || (await isArchived(request.gitdir, theirs)))
    )
      remove.push(`:${ref}`);
  }
  const deleted = await push(request, remove);
  if (deleted) return deleted;
  return create.length + remove.length === 0
    ? { kind: 'up-to-date', snapshot }
    : { kind: 'pushed', created: create.length, deleted: remove.length, snapshot };
}
