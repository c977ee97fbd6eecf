// Wires mirroring for the composition root: one Mirror per configured remote, fed by the
// ledger's committed batches; GitHub repositories are created when missing. Exposes status
// (for /readyz and the viewer), Prometheus metrics, and the commit link for GitHub mirrors.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { resolveSecret } from '../config/secret-ref.ts';
import type { Branch } from '../domain/change.ts';
import type { IndexedCommit } from '../index/index-db.ts';
import type { SourceStatus } from '../sources/source.ts';
import { mirrorName, mirrorUrl, type MirrorConfig } from './config.ts';
import { createOctokit } from '../github/octokit.ts';
import { githubCommitUrl } from '../notify/links.ts';
import { ensureGitHubRepository } from './github-repo.ts';
import { Mirror, type BranchOutcome } from './mirror.ts';

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

export function startMirrors(options: MirrorsOptions): Mirrors {
  const now = options.now ?? Date.now;
  const env = options.env ?? process.env;
  const pushes = new Counter({
    name: 'gitrail_mirror_pushes_total',
    help: 'Pushes per mirror, branch and outcome (pushed, up-to-date, rejected, failed)',
    labelNames: ['mirror', 'branch', 'outcome'],
    registers: [],
  });
  const duration = new Histogram({
    name: 'gitrail_mirror_push_duration_seconds',
    help: 'Time of one branch push',
    labelNames: ['mirror'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [],
  });
  const names = new Set<string>();
  const mirrors = options.mirrors.map((config, index) => {
    let name = mirrorName(config);
    if (names.has(name)) name = `${name}-${index + 1}`;
    names.add(name);
    const where = `mirrors[${index}]`;
    const token = config.token ? resolveSecret(config.token, `${where}.token`, env) : null;
    const log = options.log.child({ mirror: name });
    const github = config.github;
    const prepare =
      github && token
        ? async () => {
            await ensureGitHubRepository(createOctokit(token, github.apiUrl, log), github, log);
          }
        : undefined;
    return new Mirror({
      name,
      url: mirrorUrl(config),
      config,
      gitdir: join(options.dataDir, 'repo.git'),
      token,
      log,
      now,
      ...(prepare ? { prepare } : {}),
      onPush: (branch: Branch, outcome: BranchOutcome) => {
        pushes.inc({ mirror: name, branch, outcome: outcome.outcome });
        if (outcome.outcome === 'pushed' || outcome.outcome === 'up-to-date')
          duration.observe({ mirror: name }, outcome.durationMs / 1000);
      },
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
    metrics(registry) {
      registry.registerMetric(pushes);
      registry.registerMetric(duration);
      new Gauge({
        name: 'gitrail_mirror_rejected',
        help: 'Whether the last push of a branch was rejected or failed (1) or not (0)',
        labelNames: ['mirror', 'branch'],
        registers: [registry],
        collect() {
          this.reset();
          for (const mirror of mirrors)
            for (const [branch, result] of mirror.branches)
              this.set(
                { mirror: mirror.name, branch },
                result.outcome === 'rejected' || result.outcome === 'failed' ? 1 : 0,
              );
        },
      });
      new Gauge({
        name: 'gitrail_mirror_unpushed_commits',
        help: 'Commits recorded but not yet pushed to the mirror',
        labelNames: ['mirror'],
        registers: [registry],
        collect() {
          this.reset();
          for (const mirror of mirrors) this.set({ mirror: mirror.name }, mirror.unpushed);
        },
      });
      new Gauge({
        name: 'gitrail_mirror_last_success_timestamp_seconds',
        help: 'When the mirror last pushed successfully',
        labelNames: ['mirror'],
        registers: [registry],
        collect() {
          this.reset();
          for (const mirror of mirrors)
            if (mirror.lastSuccessAt !== null) this.set({ mirror: mirror.name }, mirror.lastSuccessAt / 1000);
        },
      });
    },
  };
}
