// `/tree/*path?at=<sha|ISO time>`: browse a folder or read a file as it was at any commit or
// instant ("what did prod look like at 02:00?"); without `at`, as it is now.
import { html } from 'hono/html';
import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.ts';
import { commitHref, formatTime, pathHref, shortSha } from '../views/format.ts';
import type { Html } from '../views/layout.ts';
import { describeAt } from './api-files.ts';
import { AtParam, parseParams, pathAfter, queryOf, type At } from './api-params.ts';
import { fileAt, folderAt, type FolderEntry } from './api-state.ts';
import { page } from './ui-page.ts';
import type { ViewerApp, ViewerContext } from './viewer-context.ts';

const TreeQuery = z.object({ at: AtParam });

/** `root / kubernetes / prod / …`, each part linking to that folder at the same `at`. */
export function renderCrumbs(path: string, at: string | undefined): Html {
  const parts = path === '' ? [] : path.split('/');
  return html`<div class="crumbs" data-testid="crumbs"><a href="${pathHref('tree', '', { at })}">root</a>${parts.map(
    (part, i) => html` / <a href="${pathHref('tree', parts.slice(0, i + 1).join('/'), { at })}">${part}</a>`,
  )}</div>`;
}

/** The form that picks the instant or commit to look at. */
export function renderAtForm(action: string, at: string | undefined): Html {
  return html`<form class="filters" method="get" action="${action}" data-testid="at-form">
<label>At (UTC time or commit)<input name="at" value="${at ?? ''}" placeholder="2026-03-02T02:00Z"></label>
<button type="submit">Show</button>
${at ? html`<a href="${action}">now</a>` : ''}
</form>`;
}

export function describeState(at: At): string {
  if (at.kind === 'head') return 'As it is now';
  return at.kind === 'sha' ? `As of commit ${shortSha(at.sha)}` : `As it was at ${formatTime(at.time)}`;
}

const shaLink = (sha: string): Html => html`<a href="${commitHref(sha)}" class="mono">${shortSha(sha)}</a>`;

function renderEntries(entries: readonly FolderEntry[], at: string | undefined): Html {
  if (entries.length === 0) return html`<p class="empty">Nothing recorded yet.</p>`;
  return html`<ul class="entries" data-testid="entries">${entries.map((entry) => {
    const name = `${entry.name}${entry.type === 'folder' ? '/' : ''}`;
    const last =
      entry.sha && entry.time !== undefined
        ? html` <span class="empty">— ${shaLink(entry.sha)} ${formatTime(entry.time)}</span>`
        : '';
    return html`<li class="${entry.type}"><a href="${pathHref('tree', entry.path, { at })}">${name}</a>${last}</li>`;
  })}</ul>`;
}

function renderFile(path: string, text: string, sha: string, at: string | undefined): Html {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const rows = lines.map((line, i) => html`<tr><td class="n">${i + 1}</td><td class="code">${line}</td></tr>`);
  return html`<p>Last change: <a href="${commitHref(sha)}" class="mono">${shortSha(sha)}</a> · <a href="${pathHref(
    'history',
    path,
  )}">history</a> · <a href="${pathHref('blame', path, { at })}">blame</a></p>
<table class="source" data-testid="file"><tbody>${rows}</tbody></table>`;
}

export function registerTreePage(app: ViewerApp, ctx: ViewerContext): void {
  app.get('/tree/*', async (c) => {
    const path = pathAfter(c.req.url, '/tree', true);
    const { at } = parseParams(TreeQuery, queryOf(c.req.query()));
    const atText = c.req.query('at') || undefined;
    const head = html`${renderCrumbs(path, atText)}${renderAtForm(pathHref('tree', path), atText)}`;
    // Resources are `.yaml` files; a folder could still be named so, hence the second try.
    const looksLikeFile = path.endsWith('.yaml');
    const file = looksLikeFile ? await fileAt(ctx.deps, path, at) : null;
    const folder = file ? null : await folderAt(ctx.deps, path, at);
    if (folder) {
      const title = path === '' ? 'Repository' : html`<span class="mono">${path}/</span>`;
      const state = html`<p data-testid="state">${describeState(at)}</p>`;
      const body = html`${head}<h1>${title}</h1>${state}${renderEntries(folder, atText)}`;
      return page(c, ctx, { title: path || 'Tree', section: 'tree', body });
    }
    const found = file ?? (path === '' || looksLikeFile ? null : await fileAt(ctx.deps, path, at));
    if (!found) throw new NotFoundError(`${path === '' ? 'the repository' : path} does not exist ${describeAt(at)}`);
    const state = html`<p data-testid="state">${describeState(at)}</p>`;
    const body = html`${head}<h1 class="mono">${path}</h1>${state}${renderFile(path, found.text, found.sha, atText)}`;
    return page(c, ctx, { title: path, section: 'tree', body });
  });
}
