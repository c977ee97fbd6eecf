// Wires mirroring for the composition root: one Mirror per configured remote (named, with its
// transport chosen), fed by the ledger's committed batches; GitHub repositories are created
// when missing. Exposes status (for /readyz and the viewer), Prometheus metrics, and the
// commit link for GitHub mirrors.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { resolveSecret } from '../config/secret-ref.ts';
import type { Branch } from '../domain/change.ts';
import type { IndexedCommit } from '../index/index-db.ts';
import type { SourceStatus } from '../sources/source.ts';
import { mirrorNames, mirrorUrl, type MirrorConfig } from './config.ts';
import { createOctokit } from '../github/octokit.ts';
import { githubCommitUrl } from '../notify/links.ts';
import { ensureGitHubRepository } from './github-repo.ts';
import { createMirrorMetrics } from './metrics.ts';
import { Mirror } from './mirror.ts';
import { type TransportName, usableGitVersion } from './push.ts';
import { dataFolder } from '../domain/data-folder.ts';

export interface MirrorsOptions {
  readonly dataDir: string;
  readonly mirrors: readonly MirrorConfig[];
  readonly ledger: { onCommitted(listener: (commits: readonly IndexedCommit[]) => void): void };
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => number;
}

export interface Mirrors {
  readonly mirrors: readonly Mirror[];
  stop(): Promise<void>;
  /** Pushes everything now (before shutdown, in tests). */
  flush(): Promise<void>;
  /** A signed checkpoint was written: pushed to every mirror at once (a witness). */
  checkpointed(): void;
  status(): SourceStatus[];
  metrics(registry: Registry): void;
  /** The commit's page on a GitHub mirror pushing its branch, for the viewer and messages. */
  githubCommitUrl(sha: string, branch?: Branch): string | null;
}

/**
 * `https://github.com/<owner>/<repo>/commit/<sha>` on the first GitHub mirror that pushes the
 * commit's branch (any branch it pushes when the branch is not given), else null.
 */
export function githubCommitLink(mirrors: readonly MirrorConfig[]): (sha: string, branch?: Branch) => string | null {
  return (sha, branch) => {
    const mirror = mirrors.find(
      (candidate) => candidate.github && (branch === undefined || candidate.branches.includes(branch)),
    );
    if (!mirror?.github) return null;
    return githubCommitUrl(mirror.github.webUrl, mirror.github.repository, sha);
  };
}

/** `auto`: the git CLI when a usable git is installed (asked once), else isomorphic-git. */
function chooseTransports(configs: readonly MirrorConfig[], log: Logger): TransportName[] {
  const auto = configs.some((config) => config.transport === 'auto');
  const version = auto ? usableGitVersion() : null;
  if (auto && version === null) log.warn('no git ≥ 2.31 found: mirrors with transport auto push with isomorphic-git');
  return configs.map((config) =>
    config.transport === 'auto' ? (version === null ? 'isomorphic-git' : 'git') : config.transport,
  );
}

export function startMirrors(options: MirrorsOptions): Mirrors {
  const now = options.now ?? Date.now;
  const env = options.env ?? process.env;
  const metrics = createMirrorMetrics();
  const names = mirrorNames(options.mirrors);
  const transports = chooseTransports(options.mirrors, options.log);
  const mirrors = options.mirrors.map((config, index) => {
    const name = names[index] as string;
    const token = config.token ? resolveSecret(config.token, `mirrors[${index}].token`, env) : null;
    const log = options.log.child({ mirror: name });
    const github = config.github;
    const prepare =
      github && token
        ? async () => {
            await ensureGitHubRepository(createOctokit(token, github.apiUrl, log), github, log);
          }
        : undefined;
    const transport = transports[index] as TransportName;
    log.info({ url: mirrorUrl(config), transport }, 'mirroring');
    return new Mirror({
      name,
      url: mirrorUrl(config),
      config,
      transport,
      gitdir: dataFolder(options.dataDir).repo,
      token,
      log,
      now,
      ...(prepare ? { prepare } : {}),
      onAttempt: (report) => metrics.observe(name, report),
    });
  });
  options.ledger.onCommitted((commits) => {
    for (const mirror of mirrors) mirror.committed(commits);
  });
  for (const mirror of mirrors) mirror.start();

  return {
    mirrors,
    githubCommitUrl: githubCommitLink(options.mirrors),
    async stop() {
      await Promise.all(mirrors.map((mirror) => mirror.stop()));
    },
    async flush() {
      await Promise.all(mirrors.map((mirror) => mirror.flush()));
    },
    checkpointed() {
      for (const mirror of mirrors) mirror.checkpointed();
    },
    status: () => mirrors.map((mirror) => mirror.status()),
    metrics: (registry) => metrics.register(registry, mirrors),
  };
}
