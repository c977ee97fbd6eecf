// `/notifications` (issue 5): the outbox as the viewer shows it: dead letters first, with the
// receiver's last error and how to re-queue them, then the latest deliveries. Mirror pushes
// (and a rejected one's message) are on `/sources` with the other live parts.
import { html } from 'hono/html';
import type { DeliveryRow } from '../../notify/outbox/delivery.ts';
import { formatTime } from '../views/format.ts';
import { page } from './ui-page.ts';
import type { ViewerApp, ViewerContext } from './viewer-context.ts';

/** The badge colour of a delivery's state; every other state is on its way. */
const STATE_BADGE: Readonly<Record<string, string>> = { dead: 'failing', sent: 'up' };

function table(rows: readonly DeliveryRow[], testId: string) {
  const columns = ['#', 'State', 'Channel', 'Policy', 'Kind', 'Matches', 'Attempts', 'Created (UTC)', 'Last error'];
  const head = columns.map((name) => html`<th>${name}</th>`);
  return html`<table data-testid="${testId}"><thead><tr>${head}</tr></thead><tbody>
${rows.map(
  (row) => html`<tr>
<td>${row.id}</td>
<td><span class="badge state-${STATE_BADGE[row.state] ?? 'lagging'}">${row.state}</span></td>
<td><code>${row.channel}</code></td>
<td><code>${row.policy}</code></td>
<td>${row.kind}</td>
<td>${row.matches}</td>
<td>${row.attempts}</td>
<td>${formatTime(row.createdAt)}</td>
<td>${row.lastError ?? ''}</td>
</tr>`,
)}
</tbody></table>`;
}

export function registerNotificationsPage(app: ViewerApp, ctx: ViewerContext): void {
  app.get('/notifications', (c) => {
    const view = ctx.deps.notifications;
    if (!view)
      return page(c, ctx, {
        title: 'Notifications',
        section: 'sources',
        body: html`<h1>Notifications</h1><p class="empty">Notifications are not configured.</p>`,
      });
    const dead = view.list({ state: 'dead', limit: 200 });
    const recent = view.list({ limit: 50 });
    const body = html`<h1>Notifications</h1>
<h2>Dead letters</h2>
${
  dead.length === 0
    ? html`<p class="empty" data-testid="no-dead-letters">No dead letters: every delivery was sent or is still being
retried.</p>`
    : html`<p>These deliveries failed every attempt. After fixing the cause, re-queue them with
<code>gitrail notifications retry --dead</code>.</p>${table(dead, 'dead-letters')}`
}
<h2>Latest deliveries</h2>
${recent.length === 0 ? html`<p class="empty">Nothing has matched a policy yet.</p>` : table(recent, 'deliveries')}`;
    return page(c, ctx, { title: 'Notifications', section: 'sources', body });
  });
}
