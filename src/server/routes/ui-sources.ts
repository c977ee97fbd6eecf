// `/sources`: the state, last success, lag and last error of each live source (issue 4), each
// mirror and each notification channel (issue 5), under a heading of their own, and the records
// held in the quarantine with the error that put them there (issue 10).
import { html } from 'hono/html';
import type { QuarantineEntry } from '../../journal/quarantine.ts';
import type { SourceStatus } from '../../sources/source.ts';
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
<table data-testid="quarantine"><thead><tr><th>Id</th><th>Quarantined (UTC)</th><th>Source</th><th>Event</th><th>Path\
</th><th>Error</th></tr></thead><tbody>
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

function statusTable(testId: string, first: string, statuses: readonly SourceStatus[]) {
  return html`<table data-testid="${testId}"><thead><tr><th>${first}</th><th>State</th><th>Last success (UTC)</th>\
<th>Lag</th><th>Last error</th></tr></thead><tbody>
${statuses.map(
  (status) => html`<tr>
<td><code>${status.id}</code></td>
<td><span class="badge state-${status.state}">${status.state}</span></td>
<td>${status.lastSuccessAt === undefined ? '—' : formatTime(status.lastSuccessAt)}</td>
<td>${status.lagSeconds === undefined ? '—' : `${status.lagSeconds} s`}</td>
<td>${status.lastError ?? ''}</td>
</tr>`,
)}
</tbody></table>`;
}

export function registerSourcesPage(app: ViewerApp, ctx: ViewerContext): void {
  app.get('/sources', (c) => {
    const statuses = ctx.deps.status();
    const quarantine = ctx.deps.quarantine;
    const mirrors = statuses.filter((status) => status.id.startsWith('mirror/'));
    const channels = statuses.filter((status) => status.id.startsWith('notify/'));
    const sources = statuses.filter((status) => !mirrors.includes(status) && !channels.includes(status));
    const body = html`<h1>Live sources</h1>
${
  sources.length === 0
    ? html`<p class="empty">No live source is configured; changes arrive through intake routes or <code>gitrail ingest\
</code>.</p>`
    : statusTable('sources', 'Source', sources)
}
<h2>Mirrors</h2>
${
  mirrors.length === 0
    ? html`<p class="empty">No mirror is configured (<code>mirrors:\
</code> in gitrail.yaml pushes the repository to other git remotes).</p>`
    : statusTable('mirrors', 'Mirror', mirrors)
}
${channels.length === 0 ? '' : html`<h2>Notification channels</h2>${statusTable('channels', 'Channel', channels)}`}
${quarantine ? quarantineSection(quarantine()) : ''}`;
    return page(c, ctx, { title: 'Sources', section: 'sources', body });
  });
}
