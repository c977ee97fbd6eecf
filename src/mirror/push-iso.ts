// The isomorphic-git transport (`transport: isomorphic-git`): in process, no git needed, but its
// packs carry no deltas (about twice the bytes of the git CLI's) and it pushes one ref per
// request. Credentials go out with the first request (isomorphic-git would otherwise ask only
// after a 401); the plan leaves out refs the remote already holds, so no `old = new` update
// reaches the remote's hooks.
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import type { RefResult, RefUpdate } from './plan.ts';
import { basicAuth } from './git-remote.ts';
import { createPushFs } from './push-fs.ts';
import type { PushFailure, PushTransport, TransportOptions } from './push.ts';

interface IsoGitError extends Error {
  code?: string;
  data?: { statusCode?: number; reason?: string; result?: { refs?: Record<string, { ok: boolean; error?: string }> } };
}

const REJECTIONS: Record<string, string> = {
  'not-fast-forward': 'not-fast-forward: the remote has commits gitrail does not have; gitrail never forces',
};

function failure(error: unknown, url: string): PushFailure {
  const cause = error as IsoGitError;
  if (cause.code === 'UserCanceledError')
    return { reason: 'auth', message: 'authentication failed (401): check the token', status: 401 };
  const status = cause.code === 'HttpError' ? (cause.data?.statusCode ?? null) : null;
  return {
    reason: status === 401 || status === 403 ? 'auth' : 'remote',
    message: String(cause.message ?? error).replaceAll(url, '<url>'),
    status,
  };
}

export function isomorphicGitTransport(options: TransportOptions): PushTransport {
  const { gitdir, url, cache } = options;
  const headers: Record<string, string> =
    options.token === null ? {} : { Authorization: basicAuth(options.username, options.token) };
  // Asked only when the server still answers 401: the configured token was refused, or none is configured.
  const cancel = () => ({ cancel: true });
  const common = { http, url, headers, onAuth: cancel, onAuthFailure: cancel };

  async function pushOne(update: RefUpdate): Promise<RefResult | PushFailure> {
    const messages: string[] = [];
    const rejected = (message: string): RefResult => ({
      ref: update.ref,
      kind: 'rejected',
      message: [message, ...messages].join('; '),
    });
    try {
      const result = await git.push({
        ...common,
        fs: createPushFs(),
        gitdir,
        cache,
        ref: update.ref,
        remoteRef: update.ref,
        force: false,
        onMessage: (line) => {
          if (line.trim()) messages.push(line.trim());
        },
      });
      const outcome = result.refs[update.ref];
      if (!result.ok || (outcome && !outcome.ok)) return rejected(outcome?.error ?? result.error ?? 'rejected');
      return { ref: update.ref, kind: 'pushed', to: update.to };
    } catch (error) {
      const cause = error as IsoGitError;
      if (cause.code === 'PushRejectedError') {
        const reason = cause.data?.reason ?? 'rejected';
        return rejected(REJECTIONS[reason] ?? reason);
      }
      if (cause.code === 'GitPushError')
        return rejected(cause.data?.result?.refs?.[update.ref]?.error ?? cause.message);
      return failure(error, url);
    }
  }

  return {
    async listRefs() {
      try {
        const refs = await git.listServerRefs({ ...common, forPush: true, protocolVersion: 1 });
        return new Map(refs.map((entry) => [entry.ref, entry.oid]));
      } catch (error) {
        return failure(error, url);
      }
    },
    async push(updates) {
      const results: RefResult[] = [];
      for (const update of updates) {
        const outcome = await pushOne(update);
        if ('reason' in outcome) return { results, failure: outcome };
        results.push(outcome);
      }
      return { results, failure: null };
    },
  };
}
