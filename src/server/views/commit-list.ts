// The commit table shared by the timeline and the history pages: time, author (with a `claimed`
// badge when the sender merely asserted it), subject with its signature badge, and the changed
// paths, each linking to its commit or its file history.
import { html } from 'hono/html';
import { isClaimed } from '../../domain/recorded-commit.ts';
import type { CommitRow } from '../../index/queries.ts';
import { commitHref, formatTime, isoTime, pathHref, shortSha } from './format.ts';
import type { Html } from './layout.ts';

const MAX_PATHS = 5;

/** A `claimed` badge after an author the sender merely asserted (`Attribution: claimed`). */
export function renderClaimedBadge(commit: Pick<CommitRow, 'trailers'>): Html {
  return isClaimed(commit)
    ? html` <span class="badge claimed" data-testid="claimed" title="asserted by the sender, not verified">claimed\
</span>`
    : html``;
}

/** Whether a commit's SSH signature holds for an allowed key (src/verify/commit-trust.ts). */
export interface CommitStatus {
  readonly verified: boolean;
  readonly detail: string;
}

export interface LastCheckpoint {
  readonly name: string;
  readonly time: number;
  readonly number: number;
}

export function renderSignatureBadge(status: CommitStatus | undefined): Html {
  if (!status) return html``;
  return status.verified
    ? html`<span class="badge signature state-up" data-testid="signature" title="${status.detail}">verified</span>`
    : html`<span class="badge signature state-failing" data-testid="signature" title="${status.detail}">unverified\
</span>`;
}

function renderPaths(commit: CommitRow): Html {
  const shown = commit.changes.slice(0, MAX_PATHS);
  const more = commit.changes.length - shown.length;
  return html`<ul class="paths">${shown.map(
    (change) =>
      html`<li><span class="op op-${change.op}" title="${
        change.op === 'A' ? 'added' : change.op === 'D' ? 'deleted' : 'modified'
      }">${change.op}</span> <a href="${pathHref('history', change.path)}">${change.path}</a></li>`,
  )}${more > 0 ? html`<li class="more">… and ${more} more</li>` : ''}</ul>`;
}

export function renderCommitTable(
  commits: readonly CommitRow[],
  statuses: ReadonlyMap<string, CommitStatus> = new Map(),
): Html {
  if (commits.length === 0) return html`<p class="empty" data-testid="no-commits">No commits match.</p>`;
  return html`<table class="commits" data-testid="commits">
<thead><tr><th>Time (UTC)</th><th>Author</th><th>Change</th><th>Paths</th></tr></thead>
<tbody>
${commits.map(
  (commit) => html`<tr data-sha="${commit.sha}">
<td class="time"><time datetime="${isoTime(commit.time)}">${formatTime(commit.time)}</time></td>
<td class="author" title="${commit.author.email}">${commit.author.name}${renderClaimedBadge(commit)}</td>
<td class="subject"><a href="${commitHref(commit.sha)}">${commit.subject}</a> \
<code class="sha">${shortSha(commit.sha)}</code> ${renderSignatureBadge(statuses.get(commit.sha))}</td>
<td>${renderPaths(commit)}</td>
</tr>`,
)}
</tbody>
</table>`;
}
