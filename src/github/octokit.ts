// The one way gitrail talks to GitHub's REST API (notifications and mirror repositories):
// octokit with its own retries and throttling off, so the caller's retry policy is the only
// one, and its log routed to pino.
import { Octokit } from 'octokit';
import type { Logger } from 'pino';

export function createOctokit(token: string, apiUrl: string, log: Logger): Octokit {
  return new Octokit({
    auth: token,
    baseUrl: apiUrl.replace(/\/+$/, ''),
    userAgent: 'gitrail',
    retry: { enabled: false },
    throttle: { enabled: false },
    log: {
      debug: (message: string) => log.debug({ octokit: message }, 'octokit'),
      info: (message: string) => log.debug({ octokit: message }, 'octokit'),
      warn: (message: string) => log.warn({ octokit: message }, 'octokit warning'),
      error: (message: string) => log.error({ octokit: message }, 'octokit error'),
    },
  });
}
