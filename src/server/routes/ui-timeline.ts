// `/`: the timeline of commits on main (or the activity tab), newest first, filterable by
// path prefix, author, source, time range and free text, one page at a time.
import { html } from 'hono/html';
import { renderCommitTable } from '../views/commit-list.ts';
import { queryString } from '../views/format.ts';
import { commitFilter, CommitsQuery } from './api-commits.ts';
import { parseParams, queryOf } from './api-params.ts';
import { commitStatuses, page } from './ui-page.ts';
import type { ViewerApp, ViewerContext } from './viewer-context.ts';

const FIELDS = [
  ['path', 'Path prefix', 'kubernetes/prod/'],
  ['author', 'Author', 'alice'],
  ['source', 'Source', 'kubernetes-audit'],
  ['since', 'Since (UTC)', '2026-03-02T01:00Z'],
  ['until', 'Until (UTC)', '2026-03-02T02:00Z'],
  ['q', 'Text', 'configmap'],
] as const;

export function registerTimeline(app: ViewerApp, ctx: ViewerContext): void {
  app.get('/', async (c) => {
    const raw = queryOf(c.req.query());
    const query = parseParams(CommitsQuery, raw);
    const result = ctx.deps.queries.listCommits(commitFilter(query, ctx.deps.config.pageSize));
    const branch = query.branch;
    const filters = {
      branch: branch === 'activity' ? 'activity' : undefined,
      ...Object.fromEntries(FIELDS.map(([name]) => [name, raw[name]])),
    };
    const isFiltered = FIELDS.some(([name]) => raw[name] !== undefined);
    const body = html`<div class="tabs">
<a href="/${queryString({ ...filters, branch: undefined })}"${
      branch === 'main' ? html` class="active"` : ''
    }>Changes (main)</a>
<a href="/${queryString({ ...filters, branch: 'activity' })}"${
      branch === 'activity' ? html` class="active"` : ''
    }>Activity</a>
</div>
<form class="filters" method="get" action="/" data-testid="filters">
${branch === 'activity' ? html`<input type="hidden" name="branch" value="activity">` : ''}
${FIELDS.map(
  ([name, label, example]) => html`<label>${label}\
<input name="${name}" value="${raw[name] ?? ''}" placeholder="${example}"></label>`,
)}
<button type="submit">Filter</button>
${isFiltered ? html`<a href="/${queryString({ branch: filters.branch })}">Clear</a>` : ''}
</form>
${renderCommitTable(result.commits, await commitStatuses(ctx, result.commits))}
<div class="pager">
${query.cursor ? html`<a href="/${queryString(filters)}">« Newest</a>` : ''}
${
  result.next
    ? html`<a href="/${queryString({ ...filters, cursor: result.next })}" data-testid="older">Older »\
</a>`
    : ''
}
</div>`;
    return page(c, ctx, { title: branch === 'activity' ? 'Activity' : 'Timeline', section: branch, body });
  });
}
