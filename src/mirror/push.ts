// One push of a mirror's branches, whatever the transport: list the remote's refs, plan the
// updates that bring it level (plan.ts), send them, and report each branch's outcome as a value:
// pushed or rejected by the remote (its message: a pre-receive hook, a protected branch, a
// non-fast-forward); or the attempt failed (authentication, network, server).
import { spawnSync } from 'node:child_process';
import type { Branch } from '../domain/change.ts';
import { readLocalRefs } from './local-refs.ts';
import { applyResults, mirroredRefs, planPush, type RefResult, type RefUpdate } from './plan.ts';

/** The attempt could not offer its refs: the credentials were refused, or the remote was not reached. */
export interface PushFailure {
  readonly reason: 'auth' | 'remote';
  readonly message: string;
  readonly status: number | null;
}

export interface PushTransport {
  /** The remote's refs (peeled tags left out). */
  listRefs(): Promise<Map<string, string> | PushFailure>;
  /** Sends the updates, never forced; stops at a failure, with the results so far. */
  push(updates: readonly RefUpdate[]): Promise<{ results: RefResult[]; failure: PushFailure | null }>;
}

export interface TransportOptions {
  readonly gitdir: string;
  readonly url: string;
  readonly username: string;
  readonly token: string | null;
  /** isomorphic-git's object cache, kept between pushes of one repository. */
  readonly cache: object;
}

export type TransportName = 'git' | 'isomorphic-git';

export interface Attempt {
  /** The mirrored local refs the plan was made from. */
  readonly local: ReadonlyMap<string, string>;
  /** The remote's mirrored refs after the attempt; null when they could not be listed. */
  readonly remote: ReadonlyMap<string, string> | null;
  readonly results: readonly RefResult[];
  readonly failure: PushFailure | null;
}

export function isPushFailure(value: unknown): value is PushFailure {
  return typeof value === 'object' && value !== null && 'reason' in value && 'message' in value;
}

/** The installed git's version when it is at least 2.31 (GIT_CONFIG_COUNT carries the token), else null. */
export function usableGitVersion(): string | null {
  const run = spawnSync('git', ['--version'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const match = run.status === 0 ? /git version (\d+)\.(\d+)/.exec(run.stdout) : null;
  if (!match) return null;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 2 || (major === 2 && minor >= 31) ? `${major}.${minor}` : null;
}

/** One attempt: plan against the remote's current refs, then push what differs. */
export async function pushMirror(
  transport: PushTransport,
  gitdir: string,
  branches: readonly Branch[],
): Promise<Attempt> {
  const local = mirroredRefs(await readLocalRefs(gitdir), branches);
  const listed = await transport.listRefs();
  if (isPushFailure(listed)) return { local, remote: null, results: [], failure: listed };
  const remote = mirroredRefs(listed, branches);
  const updates = planPush(local, remote);
  if (updates.length === 0) return { local, remote, results: [], failure: null };
  const { results, failure } = await transport.push(updates);
  return { local, remote: applyResults(remote, results), results, failure };
}
