// `/api/files` (a file's YAML at a commit or instant), `/api/blame`, `/api/tree` (a folder's
// entries) and `/api/sources` (the live sources' states).
import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.ts';
import { blameLineJson, sourceJson } from './api-json.ts';
import { AtParam, FolderPath, parseParams, queryOf, RepoPath, type At } from './api-params.ts';
import { blameAt, fileAt, folderAt } from './api-state.ts';
import type { ViewerApp, ViewerContext } from './viewer-context.ts';

const FileQuery = z.object({ path: RepoPath, at: AtParam });
const TreeQuery = z.object({ path: FolderPath.default(''), at: AtParam });

/** How an `at=` reads back in a message. */
export function describeAt(at: At): string {
  if (at.kind === 'head') return 'now';
  return at.kind === 'sha' ? `at commit ${at.sha}` : `at ${new Date(at.time).toISOString()}`;
}

export function registerFileApi(app: ViewerApp, ctx: ViewerContext): void {
  const { deps } = ctx;

  app.get('/api/files', async (c) => {
    const query = parseParams(FileQuery, queryOf(c.req.query()));
    const file = await fileAt(deps, query.path, query.at);
    if (!file) throw new NotFoundError(`${query.path} does not exist ${describeAt(query.at)}`);
    return c.body(file.text, 200, { 'Content-Type': 'text/yaml; charset=utf-8', 'X-Gitrail-Commit': file.sha });
  });

  app.get('/api/blame', async (c) => {
    const query = parseParams(FileQuery, queryOf(c.req.query()));
    const blame = await blameAt(deps, query.path, query.at, ctx.blameCache);
    if (!blame) throw new NotFoundError(`${query.path} does not exist ${describeAt(query.at)}`);
    return c.json({ path: query.path, sha: blame.sha, lines: blame.lines.map(blameLineJson) });
  });

  app.get('/api/tree', async (c) => {
    const query = parseParams(TreeQuery, queryOf(c.req.query()));
    const entries = await folderAt(deps, query.path, query.at);
    if (!entries) throw new NotFoundError(`no folder ${query.path} ${describeAt(query.at)}`);
    return c.json({
      path: query.path,
      entries: entries.map((entry) => ({
        name: entry.name,
        path: entry.path,
        type: entry.type,
        ...(entry.sha ? { sha: entry.sha } : {}),
        ...(entry.time !== undefined ? { time: new Date(entry.time).toISOString() } : {}),
      })),
    });
  });

  app.get('/api/sources', (c) => c.json({ sources: deps.status().map(sourceJson) }));
}
