// `/commit/:sha`: a commit's metadata and trailers as tables, its files with links to their
// history, blame and content, and the diff rendered server-side by diff2html (side-by-side
// or line-by-line). diff2html escapes the diff's text and file names itself.
import { html as renderDiff } from 'diff2html';
import { html, raw } from 'hono/html';
import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.ts';
import type { CommitRow } from '../../index/queries.ts';
import { commitHref, formatTime, isoTime, isSafeExternalUrl, pathHref, queryString } from '../views/format.ts';
import type { Html } from '../views/layout.ts';
import { parseParams, queryOf, Sha } from './api-params.ts';
import { commitStatuses, page } from './ui-page.ts';
import { renderClaimedBadge, renderSignatureBadge } from '../views/commit-list.ts';
import type { ViewerApp, ViewerContext } from './viewer-context.ts';

const CommitQuery = z.object({ sha: Sha, view: z.enum(['side-by-side', 'line-by-line']).default('side-by-side') });

function renderFiles(commit: CommitRow): Html {
  return html`<table class="files" data-testid="files"><thead><tr><th></th><th>File</th><th>Links</th></tr></thead>\
<tbody>
${commit.changes.map((change) => {
  // A deleted file is blamed and shown as it was just before the deletion.
  const at = change.op === 'D' ? (commit.parent ?? undefined) : commit.sha;
  return html`<tr>
<td><span class="op op-${change.op}">${change.op}</span></td>
<td class="mono">${change.path}</td>
<td><a href="${pathHref('history', change.path)}">history</a>${
    at
      ? html` · \
<a href="${pathHref('blame', change.path, { at })}">blame</a> · \
<a href="${pathHref('tree', change.path, { at })}">file</a>`
      : ''
  }</td>
</tr>`;
})}
</tbody></table>`;
}

export function registerCommitPage(app: ViewerApp, ctx: ViewerContext): void {
  const { queries, reader, config, links } = ctx.deps;
  app.get('/commit/:sha', async (c) => {
    const query = parseParams(CommitQuery, { ...queryOf(c.req.query()), sha: c.req.param('sha') });
    const commit = queries.getCommit(query.sha);
    if (!commit) throw new NotFoundError(`no recorded commit has the id ${query.sha}`);
    const diff = await reader.diff(commit.sha);
    const signature = (await commitStatuses(ctx, [commit])).get(commit.sha);
    const external = links?.commitUrl?.(commit.sha) ?? null;
    const shard = links?.shard?.(commit) ?? null;
    const trailers = Object.entries(commit.trailers);
    const toggle = (view: 'side-by-side' | 'line-by-line', label: string) =>
      html`<a href="${commitHref(commit.sha, { view: view === 'side-by-side' ? undefined : view })}"${
        query.view === view ? html` class="active" aria-current="true"` : ''
      } data-testid="view-${view}">${label}</a>`;
    const body = html`<h1 data-testid="subject">${commit.subject}</h1>
<table class="meta" data-testid="meta"><tbody>
<tr><th>Commit</th><td class="mono">${commit.sha}${
      external && isSafeExternalUrl(external)
        ? html` · \
<a href="${external}" rel="noopener noreferrer">view on remote</a>`
        : ''
    }</td></tr>
<tr><th>Signature</th><td>${renderSignatureBadge(signature)} ${signature?.detail ?? ''}</td></tr>
${shard ? html`<tr><th>Shard</th><td data-testid="shard">${shard}</td></tr>` : ''}
<tr><th>Branch</th><td>${commit.branch}</td></tr>
<tr><th>Parent</th><td class="mono">${
      commit.parent
        ? html`<a href="${commitHref(commit.parent)}">${commit.parent}\
</a>`
        : '(none: first commit)'
    }</td></tr>
<tr><th>Author</th><td>${commit.author.name} &lt;${commit.author.email}&gt;${renderClaimedBadge(commit)}</td></tr>
<tr><th>Time</th><td><time datetime="${isoTime(commit.time)}">${formatTime(commit.time)}</time></td></tr>
</tbody></table>
${commit.body ? html`<pre class="body">${commit.body}</pre>` : ''}
<h2>Trailers</h2>
${
  trailers.length === 0
    ? html`<p class="empty">No trailers.</p>`
    : html`<table class="meta" data-testid="trailers"><tbody>${trailers.map(
        ([key, value]) => html`<tr><th>${key}</th>\
<td>${value}</td></tr>`,
      )}</tbody></table>`
}
<h2>Files</h2>
${renderFiles(commit)}
<h2>Diff</h2>
<div class="toggle">${toggle('side-by-side', 'Side by side')}${toggle('line-by-line', 'Line by line')}</div>
${
  diff.length > config.maxDiffBytes
    ? html`<p class="empty">The diff is ${diff.length} bytes, too large to render here; \
<a href="/api/commits/${commit.sha}">get it from the API</a>.</p>`
    : html`<div data-testid="diff">${raw(
        renderDiff(diff, { outputFormat: query.view, drawFileList: false, matching: 'lines' }),
      )}</div>`
}
<p><a href="/${queryString({ branch: commit.branch === 'activity' ? 'activity' : undefined })}">« Back to the timeline\
</a></p>`;
    return page(c, ctx, { title: commit.subject, section: commit.branch, body, styles: ['/assets/diff2html.css'] });
  });
}
