// `/sources`: each live source's state, last success, lag and last error (issue 4), and the
// records held in the quarantine with the error that put them there (issue 10).
import { html } from 'hono/html';
import type { QuarantineEntry } from '../../journal/quarantine.ts';
import { formatTime } from '../views/format.ts';
import { page } from './ui-page.ts';
import type { ViewerApp, ViewerContext } from './viewer-context.ts';

/** At most this many quarantined records are listed; the count is always complete. */
const LISTED = 200;

function quarantineSection(entries: readonly QuarantineEntry[]) {
  if (entries.length === 0) return html`<h2>Quarantine</h2><p class="empty">No record is quarantined.</p>`;
  return html`<h2>Quarantine <span class="badge state-failing">${entries.length}</span></h2>
<p>Records that failed after they were acknowledged: kept in <code>&lt;data&gt;/quarantine/</code>, not committed.
After a fix, <code>gitrail quarantine retry</code> journals them again.</p>
<table data-testid="quarantine"><thead><tr><th>Id</th><th>Quarantined (UTC)</th><th>Source</th><th>Event</th><th>Path</th><th>Error</th></tr></thead><tbody>
${entries.slice(0, LISTED).map(
  (entry) => html`<tr>
<td><code>${entry.id}</code>${entry.retry ? html` <span class="badge state-lagging">retry</span>` : ''}</td>
<td class="time">${formatTime(entry.quarantinedAt)}</td>
<td><code>${entry.source}</code></td>
<td><code>${entry.eventId ?? '—'}</code></td>
<td class="mono">${entry.path ?? '—'}</td>
<td class="problem">${entry.error.message}</td>
</tr>`,
)}
</tbody></table>`;
}

export function registerSourcesPage(app: ViewerApp, ctx: ViewerContext): void {
  app.get('/sources', (c) => {
    const sources = ctx.deps.status();
    const quarantine = ctx.deps.quarantine;
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
}
${quarantine ? quarantineSection(quarantine()) : ''}`;
    return page(c, ctx, { title: 'Sources', section: 'sources', body });
  });
}
