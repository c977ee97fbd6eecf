// Stand-in for the web viewer and JSON API (src/server/routes/viewer.ts, built in parallel):
// same entry point and deps, so switching is one import in src/main.ts. Delete on merge.
import { Hono } from 'hono';
import type { IndexQueries } from '../../index/queries.ts';
import type { RepositoryReader } from '../../ledger/reader.ts';
import type { SourceStatus } from '../../sources/source.ts';
import type { ViewerConfig } from '../viewer-config.ts';

export interface ViewerDeps {
  readonly queries: IndexQueries;
  readonly reader: RepositoryReader;
  readonly config: ViewerConfig;
  readonly status: () => readonly SourceStatus[];
  readonly env: NodeJS.ProcessEnv;
}

export function createViewerRoutes(deps: ViewerDeps): Hono {
  const app = new Hono();
  app.get('/', (c) => {
    const latest = deps.queries.listCommits({ limit: 10 }).commits;
    const lines = [
      `gitrail is recording into ${deps.reader.gitdir}`,
      'the web viewer is not part of this build yet; look with plain git:',
      `  git --git-dir ${deps.reader.gitdir} log --stat main`,
      '',
      'latest commits:',
      ...latest.map((commit) => `  ${commit.sha.slice(0, 10)} ${new Date(commit.time).toISOString()} ${commit.author.name}: ${commit.subject}`),
    ];
    return c.text(`${lines.join('\n')}\n`);
  });
  return app;
}
