// Reads a repository as verify needs it: its refs, and every commit reachable from the branch
// and archive refs, oldest first, each with its signature checked as it streams past. Commits
// the ledger writes have one parent at most, so each lies on one chain: its root and its depth
// on that chain answer "is X an ancestor of Y" in constant time.
import { runGit } from '../ledger/git-cli.ts';
import { parseCommitMessage } from '../ledger/commit-message.ts';
import { periodKeyOfRef, ruleOfLineRef } from '../ledger/periods.ts';
import { readRawObjects } from '../ledger/raw-objects.ts';
import type { Problem } from './report.ts';
import type { SignatureChecker } from './signature-checker.ts';
import { splitSignedCommit } from './signed-commit.ts';

export interface Refs {
  readonly main: string | null;
  readonly activity: string | null;
  /** Retention rule → head of its line `activity-<rule>`. */
  readonly lines: ReadonlyMap<string, string>;
  /** Period (`2025-01`, or `<rule>/2025-01` on a rule's line) → head. */
  readonly archives: ReadonlyMap<string, string>;
  /** Tag name (`checkpoints/…`) → tag object id. */
  readonly tags: ReadonlyMap<string, string>;
}

export interface CommitInfo {
  /** Euler-tour interval: `a` is an ancestor of `d` when a.enter <= d.enter and d.leave <= a.leave. */
  enter: number;
  leave: number;
  readonly parent: string | null;
  readonly committerTime: number;
  /** Reachable from a branch or archive ref (not only from a checkpoint that names it). */
  reachable: boolean;
  /** `Source:` and `Event-ID:` trailers, when asked for. */
  readonly source?: string;
  readonly eventId?: string;
}

export interface History {
  readonly refs: Refs;
  readonly commits: ReadonlyMap<string, CommitInfo>;
  /** Commits made from CloudTrail log files, by their `Log-File-Digest:` status. */
  readonly logFileDigests: Readonly<Record<string, number>>;
}

const LOG_FILE_DIGEST = /^Log-File-Digest: (.*)$/m;
const LOG_FILE_STATUSES = new Set(['verified', 'unverified']);

export async function readRefs(gitdir: string): Promise<Refs> {
  const { stdout } = await runGit(gitdir, ['for-each-ref', '--format=%(objectname) %(refname)']);
  const all = new Map<string, string>();
  for (const line of stdout.toString('utf8').split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) all.set(line.slice(space + 1), line.slice(0, space));
  }
  const branch = (name: string) => all.get(`refs/heads/${name}`) ?? all.get(`refs/remotes/origin/${name}`) ?? null;
  const archives = new Map<string, string>();
  const tags = new Map<string, string>();
  const lines = new Map<string, string>();
  for (const [ref, oid] of all) {
    const period = periodKeyOfRef(ref);
    if (period !== null) archives.set(period, oid);
    else if (ref.startsWith('refs/tags/')) tags.set(ref.slice('refs/tags/'.length), oid);
  }
  // A clone's lines are origin's when it has them, as for main and activity.
  for (const prefix of ['refs/remotes/origin/', 'refs/heads/'])
    for (const [ref, oid] of all) {
      const rule = ref.startsWith(prefix) ? ruleOfLineRef(`refs/heads/${ref.slice(prefix.length)}`) : null;
      if (rule !== null && !lines.has(rule)) lines.set(rule, oid);
    }
  return { main: branch('main'), activity: branch('activity'), lines, archives, tags };
}

/** True when `ancestor` is `descendant` or one of its ancestors (both must be in `commits`). */
export function isAncestor(commits: ReadonlyMap<string, CommitInfo>, ancestor: string, descendant: string): boolean {
  const a = commits.get(ancestor);
  const d = commits.get(descendant);
  return !!a && !!d && a.enter <= d.enter && d.leave <= a.leave;
}

/**
 * Reads and checks every commit reachable from the refs and from the heads checkpoints name
 * (a rewrite leaves the old history reachable from the checkpoint tags); problems are pushed
 * in history order (oldest first), so the first names where the record stops holding.
 * `withTrailers` keeps each commit's event id.
 */
export async function readHistory(
  gitdir: string,
  refs: Refs,
  checkpointHeads: readonly string[],
  checker: SignatureChecker,
  problems: Problem[],
  withTrailers: boolean,
): Promise<History> {
  const refTips = [refs.main, refs.activity, ...refs.lines.values(), ...refs.archives.values()].filter(
    (tip): tip is string => tip !== null,
  );
  const commits = new Map<string, CommitInfo>();
  const tips = [...new Set([...refTips, ...checkpointHeads])];
  const logFileDigests: Record<string, number> = {};
  if (tips.length === 0) return { refs, commits, logFileDigests };
  const { stdout } = await runGit(gitdir, [
    'rev-list',
    '--reverse',
    '--topo-order',
    '--parents',
    '--ignore-missing',
    ...tips,
  ]);
  const order: string[] = [];
  const parentsOf = new Map<string, string[]>();
  for (const line of stdout.toString('latin1').split('\n')) {
    if (line === '') continue;
    const [sha, ...parents] = line.split(' ');
    order.push(sha as string);
    parentsOf.set(sha as string, parents);
  }
  await readRawObjects(gitdir, order, (object) => {
    const commit = splitSignedCommit(object.content);
    const parents = parentsOf.get(object.oid) ?? [];
    const problem = checker.check(commit.signature, commit.payload, commit.committerTime);
    if (problem) problems.push({ object: `commit ${object.oid}`, reason: problem });
    if (parents.length > 1)
      problems.push({ object: `commit ${object.oid}`, reason: `has ${parents.length} parents; gitrail never merges` });
    const digest = LOG_FILE_DIGEST.exec(commit.message)?.[1];
    if (digest !== undefined) {
      logFileDigests[digest] = (logFileDigests[digest] ?? 0) + 1;
      // An invalid log file is refused when read: a commit claiming to come from one is forged or broken.
      if (!LOG_FILE_STATUSES.has(digest))
        problems.push({
          object: `commit ${object.oid}`,
          reason:
            `Log-File-Digest: ${digest}: gitrail never records a CloudTrail log file its digest does not ` +
            `vouch for`,
        });
    }
    const trailers = withTrailers ? parseCommitMessage(commit.message).trailers : null;
    commits.set(object.oid, {
      enter: 0,
      leave: 0,
      parent: parents[0] ?? null,
      committerTime: commit.committerTime,
      reachable: false,
      ...(trailers?.['Source'] !== undefined ? { source: trailers['Source'] } : {}),
      ...(trailers?.['Event-ID'] !== undefined ? { eventId: trailers['Event-ID'] } : {}),
    });
  });
  numberTree(commits, order);
  for (const tip of refTips)
    for (let at = commits.get(tip); at && !at.reachable; at = at.parent ? commits.get(at.parent) : undefined)
      at.reachable = true;
  return { refs, commits, logFileDigests };
}

/** Euler-tour numbers over the forest of first parents, iteratively (histories are deep). */
function numberTree(commits: Map<string, CommitInfo>, order: readonly string[]): void {
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const sha of order) {
    const parent = (commits.get(sha) as CommitInfo).parent;
    if (!parent || !commits.has(parent)) roots.push(sha);
    else {
      const siblings = children.get(parent);
      if (siblings) siblings.push(sha);
      else children.set(parent, [sha]);
    }
  }
  let clock = 0;
  for (const root of roots) {
    const stack: Array<[string, number]> = [[root, 0]];
    (commits.get(root) as CommitInfo).enter = clock++;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [string, number];
      const kids = children.get(top[0]) ?? [];
      if (top[1] < kids.length) {
        const child = kids[top[1]] as string;
        top[1] += 1;
        (commits.get(child) as CommitInfo).enter = clock++;
        stack.push([child, 0]);
      } else {
        (commits.get(top[0]) as CommitInfo).leave = clock++;
        stack.pop();
      }
    }
  }
}
