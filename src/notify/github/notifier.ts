// GitHub through octokit: an issue, or a comment on the matched commit of the mirrored
// repository. Idempotent: when an earlier attempt may have reached GitHub (a crash, a timeout),
// existing issues/comments are searched for the delivery marker first. Rate limits (403/429
// with retry-after or x-ratelimit-reset) and a commit not pushed yet (404/422) are retried by
// the outbox; octokit's own retry and throttling are off so there is one retry policy.
import { RequestError } from 'octokit';
import type { Logger } from 'pino';
import { resolveSecret } from '../../config/secret-ref.ts';
import { createOctokit } from '../../github/octokit.ts';
import { defuseMentions, escapeHtml, escapeMarkdown } from '../markup.ts';
import { DeliveryError, templateFor, type Notifier, type NotifierContext } from '../notifier.ts';
import type { Notification } from '../notification.ts';
import { renderMessage } from '../template.ts';
import { deliveryMarker, githubBody, githubTitle } from './body.ts';
import type { GitHubChannelConfig } from './config.ts';

const LOOKBACK_MS = 30 * 86_400_000;

/** An octokit failure as a DeliveryError: what to retry and when. */
export function githubDeliveryError(channel: string, error: unknown, now: number = Date.now()): DeliveryError {
  if (!(error instanceof RequestError)) {
    return new DeliveryError(
      `${channel}: GitHub request failed: ${error instanceof Error ? error.message : String(error)}`,
      { retryable: true },
    );
  }
  const headers = error.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  const reset = Number(headers['x-ratelimit-reset']);
  const limited =
    error.status === 429 ||
    (error.status === 403 && (Number.isFinite(retryAfter) || headers['x-ratelimit-remaining'] === '0'));
  const retryAfterMs = Number.isFinite(retryAfter)
    ? retryAfter * 1000
    : limited && Number.isFinite(reset)
      ? Math.max(0, reset * 1000 - now)
      : null;
  // 404/422 on a commit: the mirror has not pushed it yet.
  const retryable = limited || error.status >= 500 || error.status === 404 || error.status === 422;
  return new DeliveryError(`${channel}: GitHub HTTP ${error.status}: ${error.message}`, {
    retryable,
    status: error.status,
    retryAfterMs,
  });
}

export function createGitHubNotifier(config: GitHubChannelConfig, context: NotifierContext): Notifier {
  const token = resolveSecret(config.token, `notify.channels.${context.id}.token`, context.env);
  const octokit = createOctokit(token, config.apiUrl, context.log);
  const [owner, repo] = config.repository.split('/') as [string, string];

  async function alreadyPosted(message: Notification, sha: string): Promise<boolean> {
    const marker = deliveryMarker(message.id);
    if (config.as === 'commit-comment') {
      const comments = await octokit.paginate(octokit.rest.repos.listCommentsForCommit, {
        owner,
        repo,
        commit_sha: sha,
        per_page: 100,
      });
      return comments.some((comment) => comment.body.includes(marker));
    }
    const since = new Date(Date.now() - LOOKBACK_MS).toISOString();
    const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      state: 'all',
      since,
      per_page: 100,
      ...(config.labels[0] ? { labels: config.labels[0] } : {}),
    });
    return issues.some((issue) => (issue.body ?? '').includes(marker));
  }

  const notifier: Notifier = {
    id: context.id,
    kind: 'github',
    isIdempotent: true,
    async send(message, signal) {
      const template = templateFor(context, 'github', message);
      const rendered = renderMessage(
        template,
        message,
        (value) => defuseMentions(escapeHtml(escapeMarkdown(value))),
        notifier,
      );
      // Issue titles are plain text: Markdown escapes would show as backslashes there.
      const title = githubTitle(renderMessage(template, message, defuseMentions, notifier));
      const sha = message.items[0]?.sha as string;
      const request = { signal };
      try {
        if ((message.resumed || message.attempt > 1) && (await alreadyPosted(message, sha))) {
          context.log.info({ delivery: message.id }, 'delivery already on GitHub, not posting again');
          return;
        }
        const body = githubBody(rendered, message.id);
        if (config.as === 'commit-comment')
          await octokit.rest.repos.createCommitComment({ owner, repo, commit_sha: sha, body, request });
        else await octokit.rest.issues.create({ owner, repo, title, body, labels: config.labels, request });
      } catch (error) {
        throw githubDeliveryError(context.id, error);
      }
    },
  };
  return notifier;
}
