// Configuration of a GitHub channel: issues or commit comments on the mirrored repository.
import { z } from 'zod';
import { SecretRef } from '../../config/secret-ref.ts';

export const GitHubChannelConfig = z
  .object({
    kind: z.literal('github').describe('channel kind'),
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name')
      .describe('the mirrored repository, owner/name'),
    token: SecretRef.describe('a token allowed to create issues and comments on the repository'),
    apiUrl: z
      .url()
      .default('https://api.github.com')
      .describe('REST API root; https://<host>/api/v3 for GitHub Enterprise Server'),
    as: z
      .enum(['issue', 'commit-comment'])
      .default('issue')
      .describe('open an issue per message, or comment on the (first) matched commit'),
    labels: z
      .array(z.string().min(1))
      .default(['gitrail'])
      .describe('labels for issues; the first also finds earlier deliveries after a crash'),
  })
  .strict()
  .describe('GitHub: an issue or a commit comment on the mirrored repository');
export type GitHubChannelConfig = z.infer<typeof GitHubChannelConfig>;
