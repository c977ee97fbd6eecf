// Configuration of one mirror remote (composed into gitrail.yaml's schema as a list under
// `mirrors:`): where (a plain URL, or a GitHub repository), as whom, how often and with which
// transport; each mirror's name (configured, else derived from its URL and made unique).
import { z } from 'zod';
import { resolveSecret, SecretRef } from '../config/secret-ref.ts';
import { ConfigError } from '../domain/errors.ts';
import { Duration } from '../config/duration.ts';

export const GitHubMirrorConfig = z
  .object({
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name')
      .describe('owner/name of the repository on GitHub'),
    apiUrl: z
      .url()
      .default('https://api.github.com')
      .describe('REST API root; https://<host>/api/v3 for GitHub Enterprise Server'),
    webUrl: z.url().default('https://github.com').describe('web root, for commit links in the viewer and in messages'),
    create: z.boolean().default(true).describe('create the repository (private) when it does not exist'),
    private: z.boolean().default(true).describe('visibility of a repository gitrail creates'),
    description: z
      .string()
      .default('Infrastructure changes recorded by gitrail')
      .describe('description of a repository gitrail creates'),
  })
  .strict()
  .describe('the remote is a GitHub repository: created when missing, commits linked from the viewer');

export const MirrorConfig = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower case letters, digits and dashes')
      .optional()
      .describe('name in status, metrics and logs (default: derived from the URL)'),
    url: z
      .url({ protocol: /^https?$/ })
      .refine((value) => {
        const parsed = URL.parse(value);
        return parsed === null || (parsed.username === '' && parsed.password === '');
      }, 'the URL must not carry credentials: put the user name in username and the token in token: {env: NAME}')
      .optional()
      .describe('smart-HTTP(S) URL of the remote repository; default https://github.com/<repository>.git with github'),
    username: z
      .string()
      .min(1)
      .default('x-access-token')
      .describe('user name sent with the token (GitHub accepts any non-empty name)'),
    token: SecretRef.optional().describe(
      'token (the Basic auth password, sent with every request), from {env: NAME} or {file: PATH}',
    ),
    transport: z
      .enum(['auto', 'git', 'isomorphic-git'])
      .default('auto')
      .describe(
        'auto: the git CLI when git ≥ 2.31 is installed, else isomorphic-git ' +
          '(in process, no deltas: about twice the bytes)',
      ),
    branches: z
      .array(z.enum(['main', 'activity']))
      .min(1)
      .default(['main', 'activity'])
      .describe('branches to push; checkpoints, time-stamps and archived activity periods are pushed too'),
    interval: Duration.default(10_000).describe('new commits are pushed at most this often (a new checkpoint at once)'),
    batchCommits: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('push without waiting for the interval once this many commits are new'),
    initialBackoff: Duration.default(5_000).describe('wait after a failed push; doubles up to maxBackoff'),
    maxBackoff: Duration.default(300_000).describe('longest wait between failed pushes'),
    github: GitHubMirrorConfig.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.url && !value.github)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'a mirror needs url, or github.repository' });
  })
  .describe('a git remote that main and activity are pushed to (never forced)');
export type MirrorConfig = z.infer<typeof MirrorConfig>;

/** The URL pushed to: the configured one, else the GitHub repository's. */
export function mirrorUrl(config: MirrorConfig): string {
  if (config.url) return config.url;
  const github = config.github as z.infer<typeof GitHubMirrorConfig>;
  return `${github.webUrl.replace(/\/+$/, '')}/${github.repository}.git`;
}

/** The name the URL suggests: its last path segment without `.git`, in lower case letters, digits and dashes. */
export function mirrorName(config: MirrorConfig): string {
  if (config.name) return config.name;
  const last = new URL(mirrorUrl(config)).pathname.split('/').filter(Boolean).at(-1) ?? 'remote';
  return (
    last
      .replace(/\.git$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'remote'
  );
}

/**
 * Each mirror's name, in order: configured names as given; derived ones made unique with
 * `-2`, `-3`… (after every configured name is taken), so two `…/audit.git` are audit and audit-2.
 */
export function mirrorNames(mirrors: readonly MirrorConfig[]): string[] {
  const taken = new Set(mirrors.flatMap((mirror) => (mirror.name ? [mirror.name] : [])));
  return mirrors.map((mirror) => {
    if (mirror.name) return mirror.name;
    const base = mirrorName(mirror);
    let name = base;
    for (let suffix = 2; taken.has(name); suffix += 1) name = `${base}-${suffix}`;
    taken.add(name);
    return name;
  });
}

/** Problems `gitrail check-config` reports for mirrors: names given twice, tokens that do not resolve. */
export function checkMirrors(mirrors: readonly MirrorConfig[], env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  const named = new Map<string, number>();
  mirrors.forEach((mirror, index) => {
    if (!mirror.name) return;
    const first = named.get(mirror.name);
    if (first === undefined) named.set(mirror.name, index);
    else problems.push(`mirrors[${index}].name: ${mirror.name} is already the name of mirrors[${first}]`);
  });
  mirrors.forEach((mirror, index) => {
    if (!mirror.token) return;
    try {
      resolveSecret(mirror.token, `mirrors[${index}].token`, env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  });
  return problems;
}
