// `/sources`: each live source's state, last success, lag and last error (issue 4).
import { html } from 'hono/html';
import { formatTime } from '../views/format.ts';
import { page } from './ui-page.ts';
import type { ViewerApp, ViewerContext } from './viewer-context.ts';

export function registerSourcesPage(app: ViewerApp, ctx: ViewerContext): void {
  app.get('/sources', (c) => {
    const sources = ctx.deps.status();
    const body = html`<h1>Live sources</h1>
${
  sources.length === 0
    ? html`<p class="empty">No live source is configured; changes arrive through intake routes or <code>gitrail ingest</code>.</p>`
    : html`<table data-testid="sources"><thead><tr><th>Source</th><th>State</th><th>Last success (UTC)</th><th>Lag</th><th>Last error</th></tr></thead><tbody>
${sources.map(
  (source) => html`<tr>
<td><code>${source.id}</code></td>
<td><span class="badge state-${source.state}">${source.state}</span></td>
<td>${source.lastSuccessAt === undefined ? '—' : formatTime(source.lastSuccessAt)}</td>
<td>${source.lagSeconds === undefined ? '—' : `${source.lagSeconds} s`}</td>
<td>${source.lastError ?? ''}</td>
</tr>`,
)}
</tbody></table>`
}`;
    return page(c, ctx, { title: 'Sources', section: 'sources', body });
  });
}
