// The page shell every viewer page shares: the header with navigation, the live sources'
// health badge and the signed-in user. Everything interpolated is escaped by hono's `html`.
import { html } from 'hono/html';
import type { SourceState, SourceStatus } from '../../sources/source.ts';

export type Html = ReturnType<typeof html>;
export type Section = 'main' | 'activity' | 'tree' | 'sources' | 'none';

export interface PageOptions {
  readonly title: string;
  readonly section: Section;
  /** Null on the login page: no navigation or source states for anonymous visitors. */
  readonly user: string | null;
  readonly sources: readonly SourceStatus[];
  readonly body: Html;
  /** Extra stylesheets (the commit page adds diff2html's). */
  readonly styles?: readonly string[];
  /** The newest signed checkpoint, shown in the header. */
  readonly checkpoint?: { readonly name: string; readonly time: number; readonly number: number } | null;
  readonly now?: number;
}

/** `checkpoint 12 · 5 min ago`, or that there is none yet. */
function renderCheckpoint(options: PageOptions): Html | string {
  if (options.checkpoint === undefined) return '';
  const last = options.checkpoint;
  if (last === null)
    return html`<span class="badge" data-testid="checkpoint" title="no signed checkpoint yet">no checkpoint yet</span>`;
  const minutes = Math.max(0, Math.round(((options.now ?? Date.now()) - last.time) / 60_000));
  const age = minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
  return html`<span class="badge" data-testid="checkpoint" title="${last.name}\
 (${new Date(last.time).toISOString()})">checkpoint ${last.number} · ${age}</span>`;
}

const WORST_FIRST: readonly SourceState[] = ['failing', 'lagging', 'starting', 'stopped', 'up'];

/** `3 up`, or the worst state first: `1 failing · 2 up`. */
export function sourcesSummary(sources: readonly SourceStatus[]): { text: string; state: SourceState | 'none' } {
  if (sources.length === 0) return { text: 'no live sources', state: 'none' };
  const counts = new Map<SourceState, number>();
  for (const source of sources) counts.set(source.state, (counts.get(source.state) ?? 0) + 1);
  const present = WORST_FIRST.filter((state) => counts.has(state));
  return {
    text: present.map((state) => `${counts.get(state)} ${state}`).join(' · '),
    state: present[0] as SourceState,
  };
}

function navLink(href: string, label: string, active: boolean): Html {
  return html`<a href="${href}"${active ? html` class="active" aria-current="page"` : ''}>${label}</a>`;
}

export function renderPage(options: PageOptions): Html {
  const summary = sourcesSummary(options.sources);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · gitrail</title>
<link rel="stylesheet" href="/assets/viewer.css">
${(options.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}">`)}
</head>
<body>
<header class="top">
  <a class="brand" href="/">gitrail</a>
  ${
    options.user === null
      ? ''
      : html`<nav>
    ${navLink('/', 'Timeline', options.section === 'main')}
    ${navLink('/?branch=activity', 'Activity', options.section === 'activity')}
    ${navLink('/tree/', 'Tree', options.section === 'tree')}
    ${renderCheckpoint(options)}
    <a href="/sources" class="badge state-${summary.state}${options.section === 'sources' ? ' active' : ''}"\
 title="live sources" data-testid="sources-badge">Sources: ${summary.text}</a>
  </nav>`
  }
  ${
    options.user === null
      ? ''
      : html`<form class="user" method="post" action="/logout"><span data-testid="user">${options.user}</span> \
<button type="submit">Log out</button></form>`
  }
</header>
<main>
${options.body}
</main>
</body>
</html>`;
}

/** A short page for a 400 or 404, keeping the header. */
export function renderProblem(options: Omit<PageOptions, 'body' | 'section'> & { readonly message: string }): Html {
  return renderPage({
    ...options,
    section: 'none',
    body: html`<h1>${options.title}</h1><p class="problem" role="alert">${options.message}</p><p>\
<a href="/">Back to the timeline</a></p>`,
  });
}
