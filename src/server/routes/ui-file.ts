// `/history/*path` (every commit touching one file, paged) and `/blame/*path?at=` (each line
// with the author, date and commit that last changed it, at a commit or an instant).
import { html } from 'hono/html';
import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.ts';
import type { BlameLine } from '../../ledger/reader.ts';
import { branchOfPath } from '../../normalise/paths.ts';
import { renderCommitTable } from '../views/commit-list.ts';
import { commitHref, formatTime, isoTime, pathHref, shortSha } from '../views/format.ts';
import type { Html } from '../views/layout.ts';
import { describeAt } from './api-files.ts';
import { AtParam, parseParams, pathAfter, queryOf } from './api-params.ts';
import { blameAt, historyPage, HistoryQuery } from './api-state.ts';
import { describeState, renderAtForm, renderCrumbs } from './ui-tree.ts';
import { commitStatuses, page } from './ui-page.ts';
import type { ViewerApp, ViewerContext } from './viewer-context.ts';

const BlameQuery = z.object({ at: AtParam });

function renderBlame(lines: readonly BlameLine[]): Html {
  return html`<table class="blame" data-testid="blame"><tbody>
${lines.map((line, i) => {
  const first = i === 0 || (lines[i - 1] as BlameLine).sha !== line.sha;
  return html`<tr${first ? html` class="first"` : ''}>
<td class="who">${
    first
      ? html`<a href="${commitHref(line.sha)}" title="${line.subject}">${shortSha(line.sha)}\
</a> ${line.author.name} <time datetime="${isoTime(line.time)}">${formatTime(line.time)}</time>`
      : ''
  }</td>
<td class="n">${line.n}</td><td class="code">${line.text}</td>
</tr>`;
})}
</tbody></table>`;
}

export function registerFilePages(app: ViewerApp, ctx: ViewerContext): void {
  const { queries, config } = ctx.deps;

  app.get('/history/*', async (c) => {
    const path = pathAfter(c.req.url, '/history', false);
    const { cursor } = parseParams(HistoryQuery.pick({ cursor: true }), queryOf(c.req.query()));
    const result = historyPage(queries, path, { limit: config.pageSize, cursor: cursor ?? null });
    const body = html`${renderCrumbs(path, undefined)}
<h1>History of <span class="mono">${path}</span></h1>
<p><a href="${pathHref('tree', path)}">current file</a> · <a href="${pathHref('blame', path)}">blame</a></p>
${renderCommitTable(result.commits, await commitStatuses(ctx, result.commits))}
<div class="pager">
${cursor ? html`<a href="${pathHref('history', path)}">« Newest</a>` : ''}
${
  result.next
    ? html`<a href="${pathHref('history', path, { cursor: result.next })}" data-testid="older">Older »\
</a>`
    : ''
}
</div>`;
    return page(c, ctx, { title: `History of ${path}`, section: branchOfPath(path), body });
  });

  app.get('/blame/*', async (c) => {
    const path = pathAfter(c.req.url, '/blame', false);
    const { at } = parseParams(BlameQuery, queryOf(c.req.query()));
    const blame = await blameAt(ctx.deps, path, at, ctx.blameCache);
    if (!blame) throw new NotFoundError(`${path} does not exist ${describeAt(at)}`);
    const body = html`${renderCrumbs(path, c.req.query('at'))}
<h1>Blame of <span class="mono">${path}</span></h1>
<p>${describeState(at)} (blamed at <a href="${commitHref(blame.sha)}" class="mono">${shortSha(blame.sha)}</a>) · \
<a href="${pathHref('history', path)}">history</a> · \
<a href="${pathHref('tree', path, { at: c.req.query('at') })}">file</a></p>
${renderAtForm(pathHref('blame', path), c.req.query('at'))}
${renderBlame(blame.lines)}`;
    return page(c, ctx, {
      title: `Blame of ${path}`,
      section: branchOfPath(path) === 'activity' ? 'activity' : 'tree',
      body,
    });
  });
}
