// Responding with a full viewer page: the layout around a body, with the signed-in user and
// the live sources' states in the header.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { CommitStatus } from '../views/commit-list.ts';
import { renderPage, renderProblem, type Html, type Section } from '../views/layout.ts';
import type { ViewerContext, ViewerEnv } from './viewer-context.ts';

export interface PageContent {
  readonly title: string;
  readonly section: Section;
  readonly body: Html;
  readonly styles?: readonly string[];
}

export function page(
  c: Context<ViewerEnv>,
  ctx: ViewerContext,
  content: PageContent,
  status: ContentfulStatusCode = 200,
) {
  return c.html(
    renderPage({
      ...content,
      user: c.get('user') ?? null,
      sources: ctx.deps.status(),
      checkpoint: ctx.deps.trust?.lastCheckpoint() ?? null,
      now: ctx.now(),
    }),
    status,
  );
}

/** The signature badges of the commits a page lists (none without a trust source). */
export async function commitStatuses(
  ctx: ViewerContext,
  commits: ReadonlyArray<{ readonly sha: string }>,
): Promise<ReadonlyMap<string, CommitStatus>> {
  return (await ctx.deps.trust?.commits.statuses(commits.map((commit) => commit.sha))) ?? new Map();
}

export function problemPage(
  c: Context<ViewerEnv>,
  ctx: ViewerContext,
  status: ContentfulStatusCode,
  title: string,
  message: string,
) {
  return c.html(renderProblem({ title, message, user: c.get('user') ?? null, sources: ctx.deps.status() }), status);
}
