// Makes sure the GitHub repository a mirror pushes to exists: octokit looks it up and, when
// it is missing and the config allows, creates it private (for the authenticated user, or
// in the organisation that owns it). Existing repositories are never modified.
import { Octokit, RequestError } from 'octokit';
import type { Logger } from 'pino';
import { GitrailError } from '../domain/errors.ts';
import type { GitHubMirrorConfig } from './config.ts';
import type { z } from 'zod';

type GitHubConfig = z.infer<typeof GitHubMirrorConfig>;

/** The remote cannot be prepared (missing and not to be created, or GitHub refused). */
export class MirrorSetupError extends GitrailError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super('MIRROR_SETUP', message, options);
  }
}

function setupError(what: string, error: unknown): MirrorSetupError {
  const status = error instanceof RequestError ? error.status : null;
  return new MirrorSetupError(
    `${what}: ${status ? `GitHub HTTP ${status}: ` : ''}${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
      retryable: status === null || status >= 500 || status === 429 || status === 403,
    },
  );
}

export async function ensureGitHubRepository(
  octokit: Octokit,
  github: GitHubConfig,
  log: Logger,
): Promise<'exists' | 'created'> {
  const [owner, repo] = github.repository.split('/') as [string, string];
  try {
    await octokit.rest.repos.get({ owner, repo });
    return 'exists';
  } catch (error) {
    if (!(error instanceof RequestError && error.status === 404))
      throw setupError(`cannot look up ${github.repository}`, error);
  }
  if (!github.create)
    throw new MirrorSetupError(`GitHub repository ${github.repository} does not exist and github.create is false`);
  try {
    const { data: user } = await octokit.rest.users.getAuthenticated();
    const fields = {
      name: repo,
      private: github.private,
      description: github.description,
      auto_init: false,
      has_wiki: false,
    };
    if (user.login.toLowerCase() === owner.toLowerCase()) await octokit.rest.repos.createForAuthenticatedUser(fields);
    else await octokit.rest.repos.createInOrg({ org: owner, ...fields });
  } catch (error) {
    throw setupError(`cannot create ${github.repository}`, error);
  }
  log.info({ repository: github.repository, private: github.private }, 'created the GitHub repository');
  return 'created';
}
