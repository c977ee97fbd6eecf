// `/api/commits` (the filtered timeline), `/api/commits/:sha` (one commit with its unified
// diff) and `/api/history` (one file's commits), all served from the index.
import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.ts';
import type { CommitFilter, CommitRow } from '../../index/queries.ts';
import { commitJson } from './api-json.ts';
import {
  Branch,
  Cursor,
  FolderPath,
  InvalidParameterError,
  Limit,
  parseParams,
  queryOf,
  Sha,
  Text,
  Time,
} from './api-params.ts';
import { historyPage, HistoryQuery } from './api-state.ts';
import type { ViewerApp, ViewerContext } from './viewer-context.ts';

export const CommitsQuery = z.object({
  branch: Branch,
  path: FolderPath.optional(),
  author: Text,
  source: Text,
  since: Time.optional(),
  until: Time.optional(),
  q: Text,
  limit: Limit,
  cursor: Cursor,
});
export type CommitsQuery = z.output<typeof CommitsQuery>;

/** The index filter a timeline query asks for; rejects a time range that ends before it starts. */
export function commitFilter(query: CommitsQuery, pageSize: number): CommitFilter {
  if (query.since !== undefined && query.until !== undefined && query.until < query.since) {
    throw new InvalidParameterError('until', 'must not be before since');
  }
  return {
    branch: query.branch,
    ...(query.path ? { path: query.path } : {}),
    ...(query.author ? { author: query.author } : {}),
    ...(query.source ? { source: query.source } : {}),
    ...(query.since !== undefined ? { since: query.since } : {}),
    ...(query.until !== undefined ? { until: query.until } : {}),
    ...(query.q ? { text: query.q } : {}),
    limit: query.limit ?? pageSize,
    cursor: query.cursor ?? null,
  };
}

export function registerCommitApi(app: ViewerApp, ctx: ViewerContext): void {
  const { queries, reader, config, links } = ctx.deps;
  /** In cluster mode each commit names its shard. */
  const json = (commit: CommitRow) => {
    const shard = links?.shard?.(commit);
    return shard ? { ...commitJson(commit), shard } : commitJson(commit);
  };

  app.get('/api/commits', (c) => {
    const filter = commitFilter(parseParams(CommitsQuery, queryOf(c.req.query())), config.pageSize);
    const page = queries.listCommits(filter);
    return c.json({ commits: page.commits.map(json), next: page.next });
  });

  app.get('/api/commits/:sha', async (c) => {
    const { sha } = parseParams(z.object({ sha: Sha }), { sha: c.req.param('sha') });
    const commit = queries.getCommit(sha);
    if (!commit) throw new NotFoundError(`no recorded commit has the id ${sha}`);
    return c.json({ ...json(commit), diff: await reader.diff(commit.sha) });
  });

  app.get('/api/history', (c) => {
    const query = parseParams(HistoryQuery, queryOf(c.req.query()));
    const page = historyPage(queries, query.path, {
      limit: query.limit ?? config.pageSize,
      cursor: query.cursor ?? null,
    });
    return c.json({ path: query.path, commits: page.commits.map(json), next: page.next });
  });
}
