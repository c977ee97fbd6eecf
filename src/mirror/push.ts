// One push of one branch with isomorphic-git (smart HTTP, Basic auth through onAuth), never
// forced. The outcome is a value: pushed, already up to date, rejected by the remote (its
// message: a pre-receive hook, a protected branch, a non-fast-forward), or failed (network,
// auth, server error), so the mirror can report each the way it deserves.
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { createPushFs } from './push-fs.ts';
import { pushWithGit } from './push-git.ts';

export type PushOutcome =
  | { readonly kind: 'pushed'; readonly sha: string; readonly remoteSha: string | null }
  | { readonly kind: 'up-to-date'; readonly sha: string }
  | { readonly kind: 'absent' }
  | { readonly kind: 'rejected'; readonly sha: string; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string; readonly status: number | null };

export interface PushRequest {
  readonly gitdir: string;
  readonly url: string;
  readonly branch: string;
  readonly username: string;
  readonly token: string | null;
  /** isomorphic-git's object cache, shared between pushes of one repository. */
  readonly cache: object;
  readonly signal?: AbortSignal;
}

interface IsoGitError extends Error {
  code?: string;
  data?: { statusCode?: number; reason?: string; result?: { refs?: Record<string, { ok: boolean; error?: string }> } };
}

async function localHead(gitdir: string, branch: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, gitdir, ref: `refs/heads/${branch}` });
  } catch (error) {
    if ((error as IsoGitError).code === 'NotFoundError') return null;
    throw error;
  }
}

/** Pushes one branch with the configured transport. */
export async function pushBranch(
  request: PushRequest & { transport?: 'isomorphic-git' | 'git' },
): Promise<PushOutcome> {
  return request.transport === 'git' ? pushWithGit(request) : pushWithIsomorphicGit(request);
}

export async function pushWithIsomorphicGit(request: PushRequest): Promise<PushOutcome> {
  const sha = await localHead(request.gitdir, request.branch);
  if (sha === null) return { kind: 'absent' };
  const remoteMessages: string[] = [];
  let remoteSha: string | null = null;
  try {
    const result = await git.push({
      fs: createPushFs(),
      http,
      gitdir: request.gitdir,
      url: request.url,
      cache: request.cache,
      ref: `refs/heads/${request.branch}`,
      remoteRef: `refs/heads/${request.branch}`,
      force: false,
      onAuth: () =>
        request.token === null ? { cancel: true } : { username: request.username, password: request.token },
      onAuthFailure: () => ({ cancel: true }),
      onMessage: (line) => {
        if (line.trim()) remoteMessages.push(line.trim());
      },
      onPrePush: ({ remoteRef }) => {
        remoteSha = /^0+$/.test(remoteRef.oid) ? null : remoteRef.oid;
        return true;
      },
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const ref = result.refs[`refs/heads/${request.branch}`];
    if (!result.ok || (ref && !ref.ok))
      return {
        kind: 'rejected',
        sha,
        message: [ref?.error ?? result.error ?? 'rejected', ...remoteMessages].join('; '),
      };
    return remoteSha === sha ? { kind: 'up-to-date', sha } : { kind: 'pushed', sha, remoteSha };
  } catch (error) {
    const failure = error as IsoGitError;
    if (failure.code === 'PushRejectedError') {
      const reason = failure.data?.reason ?? 'rejected';
      const explained =
        reason === 'not-fast-forward'
          ? 'not-fast-forward: the remote branch has commits gitrail does not have; gitrail never forces'
          : reason;
      return { kind: 'rejected', sha, message: explained };
    }
    if (failure.code === 'GitPushError') {
      const refError = failure.data?.result?.refs?.[`refs/heads/${request.branch}`]?.error;
      return { kind: 'rejected', sha, message: [refError ?? failure.message, ...remoteMessages].join('; ') };
    }
    if (failure.code === 'UserCanceledError')
      return { kind: 'failed', message: 'authentication failed (401): check the token', status: 401 };
    const status = failure.code === 'HttpError' ? (failure.data?.statusCode ?? null) : null;
    return { kind: 'failed', message: failure.message.replaceAll(request.url, '<url>'), status };
  }
}
